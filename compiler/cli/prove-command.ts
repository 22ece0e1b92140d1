import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { renderDiagnostic } from "../../language/render-diagnostic.js";
import { lowerProgram } from "../../targets/hdl/lower-program.js";
import { gatewaySpec } from "../../targets/proof/gateway-spec.js";
import { propertyWrapper, type Property } from "../../targets/proof/property-wrapper.js";
import { proveSafety, type SafetyOutcome } from "../../targets/proof/prove-safety.js";
import { printVerilog } from "../../targets/verilog/emit-verilog.js";
import { MAX_ARTIFACT_BYTES, readBoundedFile } from "../../runtime/bounded-file.js";
import { compileFile } from "./read-source.js";

export interface ProveOptions {
  /** Prove the `NAME_engine.v` that `lockstep compile` wrote here, instead of a fresh compile. */
  readonly artifacts?: string;
  /** Where the scripts, the yosys log and a counterexample VCD go. */
  readonly out: string;
  readonly maxSteps: number;
  readonly timeoutSeconds: number;
}

export const ASSUMED = [
  "rst is high in the first cycle",
  "every parameter value written through the config port is within its slot's range (the host's loader refuses others)",
];

/** What the agreement tests cover and this command does not prove (README, "Proofs"). */
export const TESTED_ONLY = ["the message-rate limiter", "Verilog = VHDL", "width sizing against a 64-bit netlist", "the strategy's datapath"];

/** The result of `lockstep prove`: the outcome and the properties it covered, for the report and for tests. */
export interface ProveResult {
  readonly exitCode: number;
  readonly outcome?: SafetyOutcome;
  readonly properties: readonly Property[];
}

/** `lockstep prove FILE`: the gateway's safety properties on the engine's Verilog, by k-induction. */
export async function runProve(file: string, o: ProveOptions, write: (s: string) => void = (s) => void process.stdout.write(s)): Promise<ProveResult> {
  const fail = (message: string, exitCode = 1): ProveResult => {
    process.stderr.write(`${message}\n`);
    return { exitCode, properties: [] };
  };
  const c = compileFile(file);
  if ("error" in c) return fail(c.error);
  if (!c.ir) {
    for (const d of c.diagnostics.errors()) process.stderr.write(`${renderDiagnostic(c.file, d)}\n\n`);
    return { exitCode: 1, properties: [] };
  }
  const spec = gatewaySpec(c.ast, c.ir);
  if (!spec) return fail(`${file}: has no risk block: lockstep prove proves the risk block's promises; add one (risk NAME on INSTRUMENT { ... })`);
  const netlist = lowerProgram(c.ir);
  let verilog = printVerilog(netlist);
  let source = "a fresh compile";
  if (o.artifacts) {
    const path = join(o.artifacts, `${netlist.module}.v`);
    const bytes = readBoundedFile(path, MAX_ARTIFACT_BYTES);
    if ("error" in bytes) return fail(`${bytes.error}: give the --out directory of lockstep compile --target verilog`);
    verilog = bytes.toString("utf8");
    source = path;
  }
  const wrapper = propertyWrapper(c.ir, netlist, spec);
  const dir = join(o.out, netlist.module);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    return fail(`lockstep: cannot write to ${dir} (${(e as NodeJS.ErrnoException).code}): choose another --out directory`);
  }
  write(`lockstep prove ${file}: ${netlist.module} (Verilog, ${source}); k-induction with yosys sat, at most ${o.maxSteps} steps\n`);
  const outcome = proveSafety({ verilog, top: netlist.module, wrapper, dir, maxSteps: o.maxSteps, timeoutMs: o.timeoutSeconds * 1000 });
  if (outcome.status === "error") return fail(`lockstep prove: ${outcome.message}`);
  const failed = new Set(outcome.status === "proved" ? [] : outcome.failed);
  const status = (p: Property) => (outcome.status === "proved" ? "proved" : failed.has(p.name) ? "FAILED" : "open");
  const width = Math.max(...wrapper.properties.map((p) => p.name.length));
  for (const p of wrapper.properties) write(`  ${status(p).padEnd(6)}  ${p.name.padEnd(width)}  ${p.says}\n`);
  for (const n of wrapper.notStated) write(`  ${"NOT STATED".padEnd(6)}  ${n.name}: ${n.why}\n`);
  write(`assumed: ${ASSUMED.join("; ")}\n`);
  write(`tested, not proved here: ${TESTED_ONLY.join("; ")}\n`);
  switch (outcome.status) {
    case "proved":
      write(`${wrapper.properties.length} properties proved by ${outcome.depth}-induction in ${outcome.seconds.toFixed(1)} s\n`);
      return { exitCode: wrapper.notStated.length ? 1 : 0, outcome, properties: wrapper.properties };
    case "counterexample":
      write(
        `counterexample from reset, ${outcome.steps} cycles: ${outcome.failed.join(", ") || "an assertion"} fails at the last; trace: ${outcome.vcd} (${outcome.seconds.toFixed(1)} s)\n`,
      );
      return { exitCode: 1, outcome, properties: wrapper.properties };
    case "not_proved":
      write(
        `not proved: induction did not close within ${o.maxSteps} steps; no counterexample from reset that short. ` +
          `The step that fails (${outcome.failed.join(", ") || "an assertion"}) is in ${outcome.vcd}; it may start from a state reset never reaches (${outcome.seconds.toFixed(1)} s)\n`,
      );
      return { exitCode: 1, outcome, properties: wrapper.properties };
    default: {
      const never: never = outcome;
      throw new Error(`unknown outcome ${JSON.stringify(never)}`);
    }
  }
}
