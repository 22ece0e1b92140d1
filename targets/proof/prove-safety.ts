import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { PropertyWrapper } from "./property-wrapper.js";

/**
 * The outcome of a k-induction run: every property proved; a counterexample from reset (a real trace,
 * `failed` names the properties false at its last step); or induction that did not close within
 * `maxSteps` (the trace is then a step from a state that satisfies every property for k cycles, which
 * reset may or may not reach: not proved either way).
 */
export type SafetyOutcome =
  | { readonly status: "proved"; readonly depth: number; readonly seconds: number }
  | { readonly status: "counterexample"; readonly failed: readonly string[]; readonly vcd: string; readonly steps: number; readonly seconds: number }
  | { readonly status: "not_proved"; readonly failed: readonly string[]; readonly vcd: string; readonly steps: number; readonly seconds: number }
  | { readonly status: "error"; readonly message: string };

export interface SafetyRun {
  /** The design's Verilog (the file `compile` writes, or a modified copy of it). */
  readonly verilog: string;
  readonly top: string;
  readonly wrapper: PropertyWrapper;
  /** Where the scripts, the log and the counterexample VCD go. */
  readonly dir: string;
  readonly maxSteps: number;
  readonly timeoutMs: number;
}

/**
 * Proves the wrapper's asserts by temporal induction with yosys `sat` (MiniSAT on the bit-blasted
 * design): the design is read as written, its listed internal signals made ports (`expose`), the
 * wrapper flattened around it; logic no property reads is dropped before solving.
 */
export function proveSafety(run: SafetyRun): SafetyOutcome {
  const { dir, wrapper } = run;
  writeFileSync(join(dir, "design.v"), run.verilog);
  writeFileSync(join(dir, "properties.sv"), wrapper.text);
  const shows = wrapper.properties.map((p) => `-show ok_${p.name}`).join(" ");
  const script = [
    "read_verilog design.v",
    `hierarchy -top ${run.top}`,
    "proc",
    `expose ${wrapper.exposed.map((r) => `w:${r}`).join(" ")}`,
    "read_verilog -formal -sv properties.sv",
    `hierarchy -top ${wrapper.module}`,
    "proc",
    "flatten",
    "opt_clean",
    "async2sync",
    "dffunmap",
    "opt -fast",
    "wreduce",
    "opt_clean",
    `sat -tempinduct -prove-asserts -set-assumes -maxsteps ${run.maxSteps} -dump_vcd counterexample.vcd ${shows} -show-ports`,
  ];
  writeFileSync(join(dir, "prove.ys"), script.join("\n") + "\n");
  const started = Date.now();
  const r = spawnSync("yosys", ["-q", "-l", "prove.log", "-s", "prove.ys"], { cwd: dir, encoding: "utf8", timeout: run.timeoutMs, maxBuffer: 1 << 28 });
  const seconds = (Date.now() - started) / 1000;
  if (r.error) {
    const missing = (r.error as NodeJS.ErrnoException).code === "ENOENT";
    return { status: "error", message: missing ? "yosys is not installed: run scripts/install-hdl-tools.sh" : `yosys did not finish within ${run.timeoutMs / 1000} s` };
  }
  const log = readFileSync(join(dir, "prove.log"), "utf8");
  if (/Induction step proven: SUCCESS!/.test(log)) {
    const depth = Number([...log.matchAll(/Trying induction with length (\d+)/g)].at(-1)?.[1] ?? 1);
    return { status: "proved", depth, seconds };
  }
  const vcd = join(dir, "counterexample.vcd");
  const base = /model found for base case: FAIL!/.test(log);
  const trace = falseAtLastStep(log);
  if (base) return { status: "counterexample", failed: trace.failed, vcd, steps: trace.steps, seconds };
  if (/Reached maximum number of time steps|induction .*failed/i.test(log)) return { status: "not_proved", failed: trace.failed, vcd, steps: trace.steps, seconds };
  return { status: "error", message: `yosys failed (exit ${r.status}); see ${join(dir, "prove.log")}\n${(r.stderr || r.stdout).trim().split("\n").slice(-10).join("\n")}` };
}

/** The properties whose ok_ signal is 0 at the last step of the trace yosys printed last. */
function falseAtLastStep(log: string): { failed: string[]; steps: number } {
  const table = log.slice(log.lastIndexOf("Time Signal Name"));
  const rows = [...table.matchAll(/^\s+(\d+)\s+\\ok_(\S+)\s+(\S+)/gm)].map((m) => ({ step: Number(m[1]), name: m[2], value: m[3] }));
  const steps = Math.max(0, ...rows.map((x) => x.step));
  return { failed: rows.filter((x) => x.step === steps && x.value === "0").map((x) => x.name), steps };
}
