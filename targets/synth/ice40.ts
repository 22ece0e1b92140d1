import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Port } from "./design-check.js";
import { ioShim, SHIM_TOP } from "./io-shim.js";
import { runTool } from "./run-tool.js";
import { cellCounts, countCells } from "./yosys-netlist.js";
import { readCommands, runYosys } from "./yosys-script.js";

export interface Ice40Options {
  readonly package: string;
  /** nextpnr's target frequency: it steers timing-driven placement; Fmax is what it achieved. */
  readonly targetMHz: number;
  readonly seed: number;
}

export interface Ice40Result {
  readonly device: "hx8k";
  readonly package: string;
  /** Cells of the top alone (yosys synth_ice40, no shim). */
  readonly lut4: number;
  readonly carry: number;
  readonly dff: number;
  /** Logic cells nextpnr placed for the shimmed top, and the device's total. */
  readonly logicCells: number;
  readonly logicCellsAvailable: number;
  readonly fmaxMHz: number;
  readonly targetMHz: number;
  readonly seed: number;
}

interface NextpnrReport {
  readonly utilization: Record<string, { readonly used: number; readonly available: number }>;
  readonly fmax: Record<string, { readonly achieved: number; readonly constraint: number }>;
}

/** yosys synth_ice40 (cell counts of the top), then nextpnr-ice40 --hx8k on the top in its I/O shim (Fmax). */
export function synthIce40(
  files: readonly string[],
  top: string,
  parameters: Readonly<Record<string, number>>,
  ports: readonly Port[],
  clock: string,
  options: Ice40Options,
  dir: string,
): Ice40Result {
  writeFileSync(join(dir, "shim.v"), ioShim(top, ports, clock));
  runYosys(
    [
      ...readCommands(files, top, parameters),
      `synth_ice40 -top ${top}`,
      "tee -q -o ice40-stat.json stat -json",
      "design -reset",
      ...readCommands([...files, "shim.v"], top, parameters),
      `synth_ice40 -top ${SHIM_TOP} -json ice40-shim.json`,
    ],
    "ice40",
    dir,
  );
  const counts = cellCounts(readFileSync(join(dir, "ice40-stat.json"), "utf8"), top);
  runTool(
    "nextpnr-ice40",
    [
      "--hx8k",
      "--package", options.package,
      "--json", "ice40-shim.json",
      "--pcf-allow-unconstrained",
      "--freq", String(options.targetMHz),
      "--timing-allow-fail",
      "--seed", String(options.seed),
      "--report", "nextpnr-report.json",
      "--log", "nextpnr.log",
      "-q",
    ],
    dir,
    1_200_000,
  );
  const report = JSON.parse(readFileSync(join(dir, "nextpnr-report.json"), "utf8")) as NextpnrReport;
  const clocks = Object.values(report.fmax);
  if (!clocks.length) throw new Error(`nextpnr reported no clock for ${top}: is '${clock}' its clock input?`);
  const lc = report.utilization.ICESTORM_LC;
  return {
    device: "hx8k",
    package: options.package,
    lut4: counts.get("SB_LUT4") ?? 0,
    carry: counts.get("SB_CARRY") ?? 0,
    dff: countCells(counts, (t) => t.startsWith("SB_DFF")),
    logicCells: lc.used,
    logicCellsAvailable: lc.available,
    fmaxMHz: Math.min(...clocks.map((c) => c.achieved)),
    targetMHz: options.targetMHz,
    seed: options.seed,
  };
}
