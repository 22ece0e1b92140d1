import { readFileSync } from "node:fs";
import { join } from "node:path";
import { logicLevels, type CellRole } from "./logic-levels.js";
import { cellCounts, countCells, moduleOf, type YosysNetlist } from "./yosys-netlist.js";
import { readCommands, runYosys } from "./yosys-script.js";

export interface XcupResult {
  readonly family: "xcup";
  /** LUT1..LUT6 (yosys's INV cells, which Vivado folds into LUTs and flip-flops, are counted apart). */
  readonly luts: number;
  readonly inverters: number;
  readonly ffs: number;
  readonly dsps: number;
  /** yosys 0.23 maps carries to CARRY4 (4 bits) even for UltraScale+, whose slices have CARRY8. */
  readonly carries: number;
  readonly widemuxes: number;
  /** Longest path between flip-flops or ports, in LUT, MUXF, carry and DSP cells. */
  readonly logicLevels: number;
}

/**
 * A cell's part in a path. A DSP48E2 counts as one level whether or not yosys packed registers into it,
 * and a CARRY4 as one level, as Vivado counts them.
 */
function xilinxRole(type: string): CellRole {
  if (/^(FD|SRL|RAM|URAM)/.test(type)) return "sequential";
  if (/^(IBUF|OBUF|IOBUF|BUFG|INV$)/.test(type)) return "free";
  return "level";
}

/** yosys synth_xilinx -family xcup -flatten: cell counts and logic levels. */
export function synthXcup(files: readonly string[], top: string, parameters: Readonly<Record<string, number>>, dir: string): XcupResult {
  runYosys(
    [
      ...readCommands(files, top, parameters),
      `synth_xilinx -family xcup -flatten -top ${top}`,
      "tee -q -o xcup-stat.json stat -json",
      "write_json xcup.json",
    ],
    "xcup",
    dir,
  );
  const counts = cellCounts(readFileSync(join(dir, "xcup-stat.json"), "utf8"), top);
  const netlist = JSON.parse(readFileSync(join(dir, "xcup.json"), "utf8")) as YosysNetlist;
  return {
    family: "xcup",
    luts: countCells(counts, (t) => /^LUT[1-6]$/.test(t)),
    inverters: counts.get("INV") ?? 0,
    ffs: countCells(counts, (t) => t.startsWith("FD")),
    dsps: countCells(counts, (t) => t.startsWith("DSP48")),
    carries: countCells(counts, (t) => t.startsWith("CARRY")),
    widemuxes: countCells(counts, (t) => t.startsWith("MUXF")),
    logicLevels: logicLevels(moduleOf(netlist, top), xilinxRole),
  };
}
