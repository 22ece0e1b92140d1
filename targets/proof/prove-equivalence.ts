import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Netlist } from "../hdl/netlist.js";
import { ghdlToVerilog } from "./ghdl-to-verilog.js";

/**
 * The outcome of Verilog ≡ VHDL for one top: proved; a counterexample from reset (a trace after which
 * an output differs); or not proved (the step check failed, `unproven` names where, and no trace from
 * reset within `maxSteps` reaches a difference on the outputs).
 */
export type EquivalenceOutcome =
  | { readonly status: "proved"; readonly registers: number; readonly bits: number; readonly seconds: number }
  | { readonly status: "counterexample"; readonly differ: readonly string[]; readonly vcd: string; readonly steps: number; readonly unproven: readonly string[]; readonly seconds: number }
  | { readonly status: "not_proved"; readonly unproven: readonly string[]; readonly seconds: number }
  | { readonly status: "error"; readonly message: string };

export interface EquivalenceRun {
  readonly verilog: string;
  readonly vhdl: string;
  /** The netlist both were printed from: the module name, the clock and reset, every register's reset value. */
  readonly netlist: Netlist;
  /** Where the scripts, the logs and a counterexample VCD go. */
  readonly dir: string;
  /** The longest trace from reset searched for a counterexample, in cycles. */
  readonly maxSteps: number;
  readonly timeoutMs: number;
}

/**
 * Proves that the Verilog and the VHDL of one top are the same machine, by register correspondence:
 * 1. Both are read into yosys (the VHDL through `ghdl --synth`, `ghdl-to-verilog.ts`), every register
 *    cut (`expose -evert-dff`) into an input `R.q` and an output `R.d` (its next value). Both printers
 *    name registers alike, so the two cut modules must have the same ports, which is checked.
 * 2. Step: the cut modules are combinationally equivalent (`equiv_make`, `equiv_struct`, `equiv_simple`,
 *    `equiv_status -assert`): from equal registers and equal inputs, equal next registers (and outputs,
 *    which are registers).
 * 3. Base: with `rst` high, no register's next value depends on any register: in the Verilog's cut
 *    module with `rst` tied to 1 and constants folded, no `R.d` has an `R.q` in its input cone (a
 *    structural check, so sufficient). By 2, the VHDL's next values under reset are the same.
 * By induction on cycles, after a cycle with `rst` high the two hold equal registers forever, so their
 * outputs are equal. Internal wires that share a name are compared too (it splits the SAT problems);
 * GHDL's own net names (`nNNN_o`, `nNNN_q`) are hidden so registers pair by their source names.
 * Products are the only hard part of SAT: `repairGhdlVerilog` and `wreduce` on multipliers make each
 * product the same yosys cell on both sides, and `equiv_struct` merges the pair, so no multiplier is
 * ever bit-blasted against another.
 * On failure, a bounded search from reset on the miter of the two (`sat -seq`) looks for a trace.
 */
export function proveEquivalence(run: EquivalenceRun): EquivalenceOutcome {
  const { dir, netlist: n } = run;
  const started = Date.now();
  const seconds = () => (Date.now() - started) / 1000;
  const deadline = () => Math.max(1, run.timeoutMs - (Date.now() - started));
  const gate = ghdlToVerilog(run.vhdl, n.module, dir, run.timeoutMs);
  if ("error" in gate) return { status: "error", message: gate.error };
  writeFileSync(join(dir, "verilog.v"), run.verilog);
  writeFileSync(join(dir, "vhdl.v"), gate.verilog);

  const hide = ghdlNets(gate.verilog, n);
  const cut = yosys(
    dir,
    "cut",
    [
      ...readBoth(n.module, hide),
      "expose -dff -evert-dff gold gate",
      "opt_clean",
      "write_rtlil cut.il",
      ...["gold", "gate"].map((m) => `tee -q -o ports-${m}.txt select -list ${m}/i:* ${m}/o:* %u`),
      // the base: with rst tied high and constants folded, no next value reads any register
      `delete -port gold/${n.reset}`,
      "cd gold",
      `connect -set ${n.reset} 1'1`,
      "cd",
      "opt -fast",
      "tee -q -o base.txt select -list gold/o:*.d %ci* gold/i:*.q %i",
    ],
    deadline(),
  );
  if ("error" in cut) return { status: "error", message: cut.error };
  const ports = (m: string) => new Set(readFileSync(join(dir, `ports-${m}.txt`), "utf8").split("\n").filter(Boolean).map((p) => p.slice(m.length + 1)));
  const [gold, gateNames] = [ports("gold"), ports("gate")];
  const unpaired = [...[...gold].filter((p) => !gateNames.has(p)).map((p) => `${p} (only in the Verilog)`), ...[...gateNames].filter((p) => !gold.has(p)).map((p) => `${p} (only in the VHDL)`)];
  const unproven = unpaired.length ? unpaired : stepAndBase(run, deadline());
  if (typeof unproven === "object" && "error" in unproven) return { status: "error", message: unproven.error };
  if (!unproven.length) {
    const registers = [...gold].filter((p) => p.endsWith(".d"));
    return { status: "proved", registers: registers.length, bits: Number(/Found (\d+) \$equiv cells/.exec(readFileSync(join(dir, "status.txt"), "utf8"))?.[1] ?? 0), seconds: seconds() };
  }
  const trace = traceFromReset(run, hide, deadline());
  if ("error" in trace) return { status: "error", message: trace.error };
  if (trace.found) return { status: "counterexample", differ: trace.differ, vcd: trace.vcd, steps: trace.steps, unproven, seconds: seconds() };
  return { status: "not_proved", unproven, seconds: seconds() };
}

/** The nets GHDL named itself (`n123_o`, `n123_q`), not after a signal of the netlist. */
function ghdlNets(verilog: string, n: Netlist): string[] {
  const ours = new Set([...n.blocks.flatMap((b) => b.wires), ...n.registers.flatMap((g) => g.registers)].map((w) => w.name));
  const declared = [...verilog.matchAll(/^\s*(?:wire|reg)\s+(?:\[\d+:0\]\s+)?(n\d+_[oq]);/gm)].map((m) => m[1]);
  return declared.filter((name) => !ours.has(name));
}

/**
 * Reads the Verilog as `gold` and GHDL's netlist as `gate`, the same way for every check, and hides the
 * nets GHDL named itself, so that each register and wire is known by its netlist name on both sides.
 */
function readBoth(module: string, hide: readonly string[]): string[] {
  return [
    "read_verilog verilog.v",
    `rename ${module} gold`,
    "read_verilog vhdl.v",
    `rename ${module} gate`,
    "proc",
    // GHDL prints a table as an initialized memory: make it logic, as the Verilog's constant wires are
    "memory",
    "opt_expr",
    "opt_clean",
    // only multipliers: registers keep their declared widths on both sides, so they still pair
    "wreduce t:$mul",
    "opt_clean",
    ...(hide.length ? [`rename -hide ${hide.map((w) => `gate/w:${w}`).join(" ")}`, "opt_clean"] : []),
  ];
}

/** The step and the base of the induction; the names of the signals not proved equal (empty: proved). */
function stepAndBase(run: EquivalenceRun, timeoutMs: number): string[] | { error: string } {
  const script = ["read_rtlil cut.il", "equiv_make gold gate equiv", "hierarchy -top equiv", "opt_clean", "equiv_struct", "equiv_simple", "tee -q -o status.txt equiv_status"];
  const r = yosys(run.dir, "equiv", script, timeoutMs);
  if ("error" in r) return r;
  const stateful = readFileSync(join(run.dir, "base.txt"), "utf8").split("\n").filter(Boolean);
  const base = stateful.length ? [`${run.netlist.reset}: under reset, next values still read ${stateful.map((q) => q.slice("gold/".length)).join(", ")}`] : [];
  const status = readFileSync(join(run.dir, "status.txt"), "utf8");
  return [...base, ...new Set([...status.matchAll(/Unproven \$equiv \S+: \\?(\S+?)_gold(?: |\[)/g)].map((m) => m[1]))];
}

/** Bounded model checking of the miter from reset: the first cycle at which an output differs, if any within maxSteps. */
function traceFromReset(run: EquivalenceRun, hide: readonly string[], timeoutMs: number): { found: false } | { found: true; differ: string[]; vcd: string; steps: number } | { error: string } {
  const n = run.netlist;
  const script = [
    ...readBoth(n.module, hide),
    "miter -equiv -flatten -make_outputs gold gate miter",
    "hierarchy -top miter",
    "opt -fast",
    // incremental BMC: the shortest trace first, each step a small SAT problem
    `tee -q -o trace.txt sat -tempinduct -tempinduct-baseonly -maxsteps ${run.maxSteps} -set-at 1 in_${n.reset} 1 -set-init-zero -prove trigger 0 -show-inputs -show-outputs -dump_vcd counterexample.vcd miter`,
  ];
  const r = yosys(run.dir, "trace", script, timeoutMs);
  if ("error" in r) return r;
  const log = readFileSync(join(run.dir, "trace.txt"), "utf8");
  if (!/model found for base case: FAIL!/.test(log)) return { found: false };
  const rows = [...log.matchAll(/^\s+(\d+)\s+\\(gold|gate)_(\S+)\s+\S+\s+\S+\s+(\S+)/gm)].map((m) => ({ step: Number(m[1]), side: m[2], name: m[3], value: m[4] }));
  const steps = Math.max(0, ...rows.map((x) => x.step));
  const last = rows.filter((x) => x.step === steps);
  const differ = last.filter((g) => g.side === "gold" && last.some((h) => h.side === "gate" && h.name === g.name && h.value !== g.value)).map((g) => g.name);
  const vcd = join(run.dir, "counterexample.vcd");
  return { found: true, differ, vcd: existsSync(vcd) ? vcd : join(run.dir, "trace.txt"), steps };
}

function yosys(dir: string, name: string, script: readonly string[], timeoutMs: number): { ok: true } | { error: string } {
  writeFileSync(join(dir, `${name}.ys`), script.join("\n") + "\n");
  const r = spawnSync("yosys", ["-q", "-l", `${name}.log`, "-s", `${name}.ys`], { cwd: dir, encoding: "utf8", timeout: timeoutMs, maxBuffer: 1 << 28 });
  if (r.error) {
    const missing = (r.error as NodeJS.ErrnoException).code === "ENOENT";
    return { error: missing ? "yosys is not installed: run scripts/install-hdl-tools.sh" : `yosys (${name}) did not finish in time` };
  }
  if (r.status !== 0) return { error: `yosys (${name}) failed (exit ${r.status}); see ${join(dir, `${name}.log`)}\n${(r.stderr || r.stdout).trim().split("\n").slice(-6).join("\n")}` };
  return { ok: true };
}
