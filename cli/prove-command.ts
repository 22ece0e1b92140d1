import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { renderDiagnostic } from "../language/render-diagnostic.js";
import type { HdlTop } from "../targets/hdl/hdl-top.js";
import { lowerProgram } from "../targets/hdl/lower-program.js";
import type { Netlist } from "../targets/hdl/netlist.js";
import { gatewaySpec } from "../targets/proof/gateway-spec.js";
import { propertyWrapper, type Property, type PropertyWrapper } from "../targets/proof/property-wrapper.js";
import { proveEquivalence, type EquivalenceOutcome } from "../targets/proof/prove-equivalence.js";
import { proveSafety, type SafetyOutcome } from "../targets/proof/prove-safety.js";
import { printVerilog } from "../targets/verilog/emit-verilog.js";
import { printVhdl } from "../targets/vhdl/emit-vhdl.js";
import { MAX_ARTIFACT_BYTES, readBoundedFile } from "../runtime/bounded-file.js";
import { compileFile } from "./read-source.js";

/** The proofs `lockstep prove` runs (`--only`). */
export type ProofKind = "safety" | "equivalence";
export const PROOF_KINDS: readonly ProofKind[] = ["safety", "equivalence"];

export interface ProveOptions {
  /** Prove the `.v`/`.vhd` files that `lockstep compile` wrote here, instead of a fresh compile. */
  readonly artifacts?: string;
  /** Which proofs to run (default: all). */
  readonly only?: readonly ProofKind[];
  /** The tops whose Verilog and VHDL are proved equivalent (default: the gateway). */
  readonly tops?: readonly HdlTop[];
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
export const TESTED_ONLY = ["the message-rate limiter", "width sizing against a 64-bit netlist", "the strategy's datapath"];

/** The result of `lockstep prove`: the outcomes and the properties they covered, for the report and for tests. */
export interface ProveResult {
  readonly exitCode: number;
  readonly outcome?: SafetyOutcome;
  readonly properties: readonly Property[];
  readonly equivalence: readonly { readonly top: HdlTop; readonly module: string; readonly outcome: EquivalenceOutcome }[];
}

/**
 * `lockstep prove FILE`: the gateway's safety properties on the engine's Verilog, by k-induction, and the
 * equivalence of each top's Verilog and VHDL.
 */
export async function runProve(file: string, o: ProveOptions, write: (s: string) => void = (s) => void process.stdout.write(s)): Promise<ProveResult> {
  const fail = (message: string, exitCode = 1): ProveResult => {
    process.stderr.write(`${message}\n`);
    return { exitCode, properties: [], equivalence: [] };
  };
  const c = compileFile(file);
  if ("error" in c) return fail(c.error);
  if (!c.ir) {
    for (const d of c.diagnostics.errors()) process.stderr.write(`${renderDiagnostic(c.file, d)}\n\n`);
    return { exitCode: 1, properties: [], equivalence: [] };
  }
  const only = new Set(o.only ?? PROOF_KINDS);
  const ir = c.ir;
  const spec = gatewaySpec(c.ast, ir);
  if (!spec && only.has("safety"))
    return fail(`${file}: has no risk block: lockstep prove proves the risk block's promises; add one (risk NAME on INSTRUMENT { ... }), or prove only --only equivalence`);
  const artifact = (module: string, ext: "v" | "vhd", printed: () => string): { text: string; source: string } | { error: string } => {
    if (!o.artifacts) return { text: printed(), source: "a fresh compile" };
    const path = join(o.artifacts, `${module}.${ext}`);
    const bytes = readBoundedFile(path, MAX_ARTIFACT_BYTES);
    if ("error" in bytes) return { error: `${bytes.error}: give the --out directory of lockstep compile --target hdl` };
    return { text: bytes.toString("utf8"), source: path };
  };
  const workDir = (module: string): string | undefined => {
    const dir = join(o.out, module);
    try {
      mkdirSync(dir, { recursive: true });
      return dir;
    } catch (e) {
      process.stderr.write(`lockstep: cannot write to ${dir} (${(e as NodeJS.ErrnoException).code}): choose another --out directory\n`);
      return undefined;
    }
  };

  let safety: { exitCode: number; outcome?: SafetyOutcome; properties: readonly Property[] } = { exitCode: 0, properties: [] };
  if (spec && only.has("safety")) {
    const netlist = lowerProgram(ir);
    const verilog = artifact(netlist.module, "v", () => printVerilog(netlist));
    if ("error" in verilog) return fail(verilog.error);
    const dir = workDir(netlist.module);
    if (!dir) return { exitCode: 1, properties: [], equivalence: [] };
    write(`lockstep prove ${file}: ${netlist.module} (Verilog, ${verilog.source}); k-induction with yosys sat, at most ${o.maxSteps} steps\n`);
    safety = proveGatewaySafety(propertyWrapper(ir, netlist, spec), netlist, verilog, dir, o, write);
    if (safety.exitCode === 2) return { exitCode: 1, properties: [], equivalence: [] };
  }

  const equivalence: ProveResult["equivalence"][number][] = [];
  if (only.has("equivalence")) {
    write(`Verilog = VHDL (the VHDL through ghdl --synth; registers paired by name and cut; yosys equiv_simple on the step, a structural check of reset)\n`);
    for (const top of o.tops ?? EQUIVALENCE_TOPS) {
      const netlist = lowerProgram(ir, top);
      const verilog = artifact(netlist.module, "v", () => printVerilog(netlist));
      const vhdl = artifact(netlist.module, "vhd", () => printVhdl(netlist));
      if ("error" in verilog) return fail(verilog.error);
      if ("error" in vhdl) return fail(vhdl.error);
      const dir = workDir(`${netlist.module}_equivalence`);
      if (!dir) return { exitCode: 1, properties: [], equivalence: [] };
      const outcome = proveEquivalence({ verilog: verilog.text, vhdl: vhdl.text, netlist, dir, maxSteps: o.maxSteps + netlist.latency, timeoutMs: o.timeoutSeconds * 1000 });
      if (outcome.status === "error") return fail(`lockstep prove: ${netlist.module}: ${outcome.message}`);
      write(`  ${equivalenceLine(netlist, outcome, vhdl.source)}\n`);
      equivalence.push({ top, module: netlist.module, outcome });
    }
  }
  const proved = equivalence.every((e) => e.outcome.status === "proved");
  return { exitCode: safety.exitCode || (proved ? 0 : 1), outcome: safety.outcome, properties: safety.properties, equivalence };
}

/**
 * The tops whose two languages `lockstep prove` compares unless told otherwise: the gateway (seconds);
 * an engine takes from half a minute to beyond fifteen (README, "Proofs"), so it is asked for by --tops.
 */
export const EQUIVALENCE_TOPS: readonly HdlTop[] = ["gateway"];

function equivalenceLine(n: Netlist, e: EquivalenceOutcome, source: string): string {
  switch (e.status) {
    case "proved":
      return `proved  ${n.module}: ${e.registers} registers, ${e.bits} bits compared (${source}, ${e.seconds.toFixed(1)} s)`;
    case "counterexample":
      return (
        `FAILED  ${n.module}: counterexample from reset, ${e.steps} cycles: ${e.differ.join(", ") || "an output"} differs at the last; ` +
        `trace: ${e.vcd}; not equal: ${e.unproven.slice(0, 8).join(", ")} (${e.seconds.toFixed(1)} s)`
      );
    case "not_proved":
      return `FAILED  ${n.module}: not proved equal: ${e.unproven.slice(0, 8).join(", ")}; no trace from reset that short reaches a different output (${e.seconds.toFixed(1)} s)`;
    case "error":
      return `ERROR   ${n.module}: ${e.message}`;
    default: {
      const never: never = e;
      throw new Error(`unknown outcome ${JSON.stringify(never)}`);
    }
  }
}

/** The safety half: k-induction of the wrapper's properties; exit code 2 when yosys could not run. */
function proveGatewaySafety(
  wrapper: PropertyWrapper,
  netlist: Netlist,
  verilog: { text: string; source: string },
  dir: string,
  o: ProveOptions,
  write: (s: string) => void,
): { exitCode: number; outcome?: SafetyOutcome; properties: readonly Property[] } {
  const outcome = proveSafety({ verilog: verilog.text, top: netlist.module, wrapper, dir, maxSteps: o.maxSteps, timeoutMs: o.timeoutSeconds * 1000 });
  if (outcome.status === "error") {
    process.stderr.write(`lockstep prove: ${outcome.message}\n`);
    return { exitCode: 2, properties: [] };
  }
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
