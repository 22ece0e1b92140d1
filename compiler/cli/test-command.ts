import { mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import fc from "fast-check";
import { renderDiagnostic } from "../../language/render-diagnostic.js";
import { interpreterEngine, type TargetEngine } from "../../targets/agreement/engine.js";
import { loadTarget, SOFTWARE_TARGETS, type Origin, type SoftwareTarget } from "../../targets/agreement/load-targets.js";
import { writeReplay } from "../../targets/agreement/replay-file.js";
import { runStream, type Divergence } from "../../targets/agreement/run-agreement.js";
import { baseParams, eventStream, type StreamStep } from "../../targets/agreement/streams.js";
import type { IrProgram } from "../ir.js";
import { compileFile } from "./read-source.js";
import { showDivergence } from "./show-divergence.js";

export interface TestOptions {
  readonly runs: number;
  readonly seed: number;
  readonly targets: readonly string[];
  readonly timeBudgetSeconds?: number;
  readonly artifacts?: string;
  readonly failures: string;
  readonly quiet?: boolean;
}

interface Stats {
  events: number;
  ms: number;
}

export interface TestOutcome {
  readonly exitCode: number;
  readonly streams: number;
  readonly divergence?: Divergence;
  readonly replayPath?: string;
}

/** `lockstep test`: every target against the reference interpreter on generated streams. */
export async function runTest(file: string, opts: TestOptions): Promise<TestOutcome> {
  const out = (s: string) => opts.quiet || process.stdout.write(s);
  const unknown = opts.targets.filter((t) => !(SOFTWARE_TARGETS as readonly string[]).includes(t));
  if (unknown.length) {
    process.stderr.write(`lockstep: unknown target '${unknown[0]}'; available: ${SOFTWARE_TARGETS.join(", ")}\n`);
    return { exitCode: 1, streams: 0 };
  }
  const c = compileFile(file);
  if ("error" in c) {
    process.stderr.write(`${c.error}\n`);
    return { exitCode: 1, streams: 0 };
  }
  if (!c.ir) {
    for (const d of c.diagnostics.errors()) process.stderr.write(`${renderDiagnostic(c.file, d)}\n\n`);
    return { exitCode: 1, streams: 0 };
  }
  const ir = c.ir;
  const origin: Origin = opts.artifacts ? { kind: "artifacts", dir: opts.artifacts } : { kind: "fresh" };
  const stats = new Map<string, Stats>();
  const engines: TargetEngine[] = [];
  for (const t of opts.targets as SoftwareTarget[]) {
    const e = await loadTarget(ir, t, origin);
    if ("error" in e) {
      process.stderr.write(`lockstep: ${e.error}\n`);
      return { exitCode: 1, streams: 0 };
    }
    stats.set(t, { events: 0, ms: 0 });
    engines.push(timed(e, stats.get(t)!));
  }
  const refStats = { events: 0, ms: 0 };
  const reference = timed(interpreterEngine(ir), refStats);
  let streams = 0;
  const progress = progressBar(opts.runs, !opts.quiet && process.stderr.isTTY === true);
  const result = fc.check(
    fc.property(baseParams(ir), eventStream(ir), (base, stream) => {
      streams++;
      progress(streams);
      return runStream(ir, base, stream, reference, engines) === undefined;
    }),
    {
      numRuns: opts.runs,
      seed: opts.seed,
      interruptAfterTimeLimit: opts.timeBudgetSeconds ? opts.timeBudgetSeconds * 1000 : undefined,
      markInterruptAsFailure: false,
    },
  );
  progress(-1);
  if (result.interrupted) out(`time budget of ${opts.timeBudgetSeconds} s reached after ${streams} of ${opts.runs} streams\n`);
  let outcome: TestOutcome = { exitCode: 0, streams };
  if (result.failed && result.counterexample) {
    const [base, stream] = result.counterexample as [bigint[], StreamStep[]];
    const divergence = runStream(ir, base, stream, interpreterEngine(ir), await reload(ir, opts.targets as SoftwareTarget[], origin));
    if (divergence) {
      mkdirSync(opts.failures, { recursive: true });
      const path = join(opts.failures, `${basename(file).replace(/\.lstep$/, "")}-seed${opts.seed}.json`);
      writeReplay(path, { source: file, targets: opts.targets as SoftwareTarget[], origin, seed: opts.seed, params: base, stream, divergence });
      const internal = divergence.target === "interpreter";
      out(
        internal
          ? `\nINTERNAL ERROR: ${divergence.what} at step ${divergence.step}; please report it with the replay file\n`
          : `\nDISAGREEMENT: ${divergence.target} differs from the reference on ${divergence.what} after step ${divergence.step} of a ${stream.length}-step stream (shrunk)\n`,
      );
      out(showDivergence(ir, stream, divergence));
      out(`replay it: lockstep replay ${path}\n`);
      outcome = { exitCode: internal ? 2 : 1, streams, divergence, replayPath: path };
    } else if (result.errorInstance) {
      out(`\nERROR while testing: ${String(result.errorInstance)}\n`);
      outcome = { exitCode: 2, streams };
    }
  } else if (result.failed) {
    out(`\nERROR while testing: ${String(result.errorInstance ?? "unknown failure")}\n`);
    outcome = { exitCode: 2, streams };
  }
  out(summary(ir, streams, refStats, stats, outcome.divergence));
  return outcome;
}

async function reload(ir: IrProgram, targets: SoftwareTarget[], origin: Origin): Promise<TargetEngine[]> {
  const out: TargetEngine[] = [];
  for (const t of targets) {
    const e = await loadTarget(ir, t, origin);
    if (!("error" in e)) out.push(e);
  }
  return out;
}

function timed(e: TargetEngine, s: Stats): TargetEngine {
  return {
    ...e,
    step: (k, t, a, b, c, d) => {
      const t0 = performance.now();
      const r = e.step(k, t, a, b, c, d);
      s.ms += performance.now() - t0;
      s.events++;
      return r;
    },
  };
}

function progressBar(total: number, enabled: boolean): (done: number) => void {
  let last = -1;
  return (done) => {
    if (!enabled) return;
    if (done < 0) {
      process.stderr.write("\r\x1b[K");
      return;
    }
    const pct = Math.floor((100 * done) / total);
    if (pct === last) return;
    last = pct;
    const width = 30;
    const filled = Math.round((width * done) / total);
    process.stderr.write(`\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} streams`);
  };
}

function summary(ir: IrProgram, streams: number, ref: Stats, stats: Map<string, Stats>, d?: Divergence): string {
  const rows = [["target", "streams", "events", "disagreements", "time"]];
  rows.push(["interpreter", String(streams), String(ref.events), "(reference)", `${(ref.ms / 1000).toFixed(2)} s`]);
  for (const [name, s] of stats)
    rows.push([name, String(streams), String(s.events), d?.target === name ? "1" : "0", `${(s.ms / 1000).toFixed(2)} s`]);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  "));
  return `\n${ir.name}: ${d ? "FAILED" : "all targets agree with the reference"}\n${lines.join("\n")}\n`;
}
