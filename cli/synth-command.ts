import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HDL_TOPS, type HdlTop } from "../targets/hdl/hdl-top.js";
import { lowerProgram } from "../targets/hdl/lower-program.js";
import { SynthToolError } from "../targets/synth/run-tool.js";
import { formatSynthTable, type SynthRow } from "../targets/synth/synth-table.js";
import { ICE40_DEFAULTS, synthesize, type SynthReport } from "../targets/synth/synthesize.js";
import { printVerilog } from "../targets/verilog/emit-verilog.js";
import { compileOrReport } from "./read-source.js";

export interface SynthCommandOptions {
  readonly out: string;
  /** Which tops; default both. */
  readonly tops?: readonly HdlTop[];
  readonly ice40: boolean;
  readonly xcup: boolean;
  readonly seed: number;
  readonly freq: number;
}

/**
 * `lockstep synth FILE`: the Verilog of each top, synthesized for iCE40 HX8K (yosys synth_ice40,
 * nextpnr-ice40) and UltraScale+ (yosys synth_xilinx -family xcup); prints the table, writes it and the
 * full report under --out. Exit 1 when a top has a latch, when a tool is missing or fails (the table
 * then shows "-" for that flow), or on a bad source file.
 */
export function runSynth(file: string, o: SynthCommandOptions): number {
  const ir = compileOrReport(file);
  if (!ir) return 1;
  const tops = o.tops ?? HDL_TOPS;
  mkdirSync(o.out, { recursive: true });
  const rows: SynthRow[] = [];
  const failures: string[] = [];
  let latches = 0;
  for (const top of tops) {
    const netlist = lowerProgram(ir, top);
    const path = join(o.out, `${netlist.module}.v`);
    writeFileSync(path, printVerilog(netlist));
    const started = Date.now();
    process.stderr.write(`synthesizing ${netlist.module} ...`);
    // each flow on its own, so that one that fails (a tool missing, a design too big) leaves the others' numbers
    const flow = (ice40: boolean, xcup: boolean): SynthReport | undefined => {
      try {
        return synthesize([path], netlist.module, {
          workDir: join(o.out, netlist.module, ice40 ? "ice40" : xcup ? "xcup" : "check"),
          ice40: ice40 && { ...ICE40_DEFAULTS, seed: o.seed, targetMHz: o.freq },
          xcup,
        });
      } catch (e) {
        if (!(e instanceof SynthToolError)) throw e;
        failures.push(`${netlist.module} (${ice40 ? "iCE40" : xcup ? "xcup" : "design check"}): ${e.message}`);
        return undefined;
      }
    };
    const check = flow(false, false);
    if (!check) continue;
    const ice40 = o.ice40 ? flow(true, false)?.ice40 : undefined;
    const xcup = o.xcup ? flow(false, true)?.xcup : undefined;
    const report: SynthReport = { ...check, ice40, xcup };
    process.stderr.write(` ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    for (const l of report.design.latches) process.stderr.write(`  ${netlist.module}: latch: ${l}\n`);
    for (const p of report.design.checkProblems) process.stderr.write(`  ${netlist.module}: yosys check: ${p}\n`);
    latches += report.design.latches.length;
    rows.push({ name: netlist.module, report, latencyCycles: netlist.latency });
  }
  const table = formatSynthTable(rows);
  writeFileSync(join(o.out, "synth-table.md"), `${table}\n`);
  writeFileSync(join(o.out, "synth-report.json"), `${JSON.stringify(rows, null, 2)}\n`);
  process.stdout.write(`${table}\n\n`);
  process.stdout.write(
    `latency: cycles from an event's valid beat to its verdict (out_valid), one event per clock. iCE40: LUT4/carry/DFF of the top alone` +
      ` (yosys synth_ice40); LCs and Fmax from nextpnr-ice40 --hx8k --package ${ICE40_DEFAULTS.package} --freq ${o.freq} --seed ${o.seed} on the top` +
      ` in targets/synth/io-shim.ts. xcup: yosys synth_xilinx -family xcup -flatten; levels = longest flip-flop-to-flip-flop path in` +
      ` LUT/MUXF/CARRY4/DSP cells. Verilog, scripts and logs: ${o.out}/\n`,
  );
  for (const f of failures) process.stderr.write(`lockstep: ${f}\n`);
  if (failures.length) return 1;
  if (latches) {
    process.stderr.write(`lockstep: ${latches} latch${latches === 1 ? "" : "es"} inferred: the design must be fully synchronous\n`);
    return 1;
  }
  return 0;
}
