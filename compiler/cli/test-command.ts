import { mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import { renderDiagnostic } from "../../language/render-diagnostic.js";
import { CaseGenerator } from "../../targets/agreement/case-generator.js";
import { Coverage, percent, renderCoverage, totals, type CoverageRow } from "../../targets/agreement/coverage.js";
import { interpreterEngine, type TargetEngine } from "../../targets/agreement/engine.js";
import { loadTarget, SOFTWARE_TARGETS, type Origin, type SoftwareTarget } from "../../targets/agreement/load-targets.js";
import { writeReplay } from "../../targets/agreement/replay-file.js";
import { runStream, type Divergence } from "../../targets/agreement/run-agreement.js";
import type { Case } from "../../targets/agreement/scenarios.js";
import { shrink, type FailingCase } from "../../targets/agreement/shrink.js";
import { RESET, type StreamStep } from "../../targets/agreement/streams.js";
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
  /** Fail (exit 1) when the reference's coverage ends below this many percent. */
  readonly minCoverage?: number;
}

interface Stats {
  events: number;
  ms: number;
}

export interface TestOutcome {
  readonly exitCode: number;
  /** Streams generated and run (shrinking and reproduction runs are not counted). */
  readonly streams: number;
  readonly divergence?: Divergence;
  readonly replayPath?: string;
  /** Coverage of the reference per handler, and over all. */
  readonly coverage?: readonly CoverageRow[];
  readonly coveragePercent?: number;
}

/** Every this many streams, a stream is run twice in a row on the same engines: reset must really reset. */
const RERUN_EVERY = 16;
/** Streams kept for reproducing a failure that needs what earlier streams left behind. */
const HISTORY = 8;

/** `lockstep test`: every target against the reference interpreter on generated streams. */
export async function runTest(file: string, opts: TestOptions): Promise<TestOutcome> {
  const out = (s: string) => opts.quiet || process.stdout.write(s);
  const unknown = opts.targets.filter((t) => !(SOFTWARE_TARGETS as readonly string[]).includes(t));
  if (unknown.length) {
    const hdl = ["verilog", "vhdl"].includes(unknown[0]);
    process.stderr.write(
      hdl
        ? `lockstep: lockstep test does not run the ${unknown[0]} target yet; its agreement with the reference is tested by the suite (test/hdl); available here: ${SOFTWARE_TARGETS.join(", ")}\n`
        : `lockstep: unknown target '${unknown[0]}'; available: ${SOFTWARE_TARGETS.join(", ")}\n`,
    );
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
  const targets = opts.targets as SoftwareTarget[];
  const origin: Origin = opts.artifacts ? { kind: "artifacts", dir: opts.artifacts } : { kind: "fresh" };
  const stats = new Map<string, Stats>();
  const engines: TargetEngine[] = [];
  for (const t of targets) {
    const e = await loadTarget(ir, t, origin);
    if ("error" in e) {
      process.stderr.write(`lockstep: ${e.error}\n`);
      return { exitCode: 1, streams: 0 };
    }
    stats.set(t, { events: 0, ms: 0 });
    engines.push(timed(e, stats.get(t)!));
  }
  const refStats = { events: 0, ms: 0 };
  const coverage = new Coverage(ir);
  const reference = timed(interpreterEngine(ir, coverage), refStats);
  const generator = new CaseGenerator(ir, opts.seed, coverage);
  const deadline = opts.timeBudgetSeconds ? performance.now() + opts.timeBudgetSeconds * 1000 : Infinity;
  const history: Case[] = [];
  const progress = progressBar(opts.runs, !opts.quiet && process.stderr.isTTY === true);
  let streams = 0;
  let failing: { case: FailingCase; divergence: Divergence } | undefined;
  let error: unknown;
  try {
    for (let i = 0; i < opts.runs && !failing; i++) {
      if (performance.now() > deadline) break;
      const k = generator.next(i);
      streams++;
      progress(streams);
      const before = coverage.covered;
      let d = runStream(ir, k.base, k.stream, reference, engines);
      generator.feedback(k, coverage.covered > before);
      let twice = false;
      if (!d && i % RERUN_EVERY === RERUN_EVERY - 1) {
        d = runStream(ir, k.base, k.stream, reference, engines);
        twice = d !== undefined;
      }
      if (d) failing = await reproduce(ir, targets, origin, twice ? [k] : history, k, d);
      history.push(k);
      if (history.length > HISTORY) history.shift();
    }
  } catch (e) {
    error = e;
  }
  progress(-1);
  if (streams < opts.runs && !failing && error === undefined)
    out(`time budget of ${opts.timeBudgetSeconds} s reached after ${streams} of ${opts.runs} streams\n`);
  let outcome: TestOutcome = { exitCode: 0, streams };
  if (error !== undefined) {
    out(`\nERROR while testing: ${error instanceof Error ? error.message : String(error)}\n`);
    outcome = { exitCode: 2, streams };
  } else if (failing) {
    const { divergence, case: fc } = failing;
    mkdirSync(opts.failures, { recursive: true });
    const path = join(opts.failures, `${basename(file).replace(/\.lstep$/, "")}-seed${opts.seed}.json`);
    writeReplay(path, { source: file, targets, origin, seed: opts.seed, params: fc.base, stream: fc.stream, divergence });
    const internal = divergence.target === "interpreter";
    out(
      internal
        ? `\nINTERNAL ERROR: ${divergence.what} at step ${divergence.step}; please report it with the replay file\n`
        : `\nDISAGREEMENT: ${divergence.target} differs from the reference on ${divergence.what} after step ${divergence.step} of a ${fc.stream.length}-step stream (shrunk), found by stream ${streams}\n`,
    );
    out(showDivergence(ir, fc.stream, divergence));
    out(`replay it: lockstep replay ${path}\n`);
    outcome = { exitCode: internal ? 2 : 1, streams, divergence, replayPath: path };
  }
  out(summary(ir, streams, refStats, stats, outcome.divergence));
  const rows = coverage.summary();
  const pct = percent(totals(rows));
  out(renderCoverage(ir.name, rows));
  const missing = coverage.missing();
  if (missing.length) out(`not reached (first ${missing.length}):\n${missing.map((m) => `  ${m}`).join("\n")}\n`);
  outcome = { ...outcome, coverage: rows, coveragePercent: pct };
  if (outcome.exitCode === 0 && opts.minCoverage !== undefined && pct < opts.minCoverage) {
    process.stderr.write(`lockstep: coverage of ${ir.name} is ${pct.toFixed(1)} %, below --min-coverage ${opts.minCoverage} %\n`);
    outcome = { ...outcome, exitCode: 1 };
  }
  return outcome;
}

/**
 * A failure found on engines that ran earlier streams, made reproducible on fresh engines: the case
 * alone, or (when reset leaked state) the earlier streams, each followed by a reset, then the case.
 * Then shrunk; the replay file holds whatever reproduces it.
 */
async function reproduce(ir: IrProgram, targets: SoftwareTarget[], origin: Origin, history: readonly Case[], k: Case, found: Divergence): Promise<{ case: FailingCase; divergence: Divergence }> {
  const runFresh = async (fc: FailingCase) => runStream(ir, fc.base, fc.stream, interpreterEngine(ir), await reload(ir, targets, origin));
  const candidates: FailingCase[] = [k];
  for (let n = 1; n <= history.length; n++) candidates.push(chain([...history.slice(history.length - n), k]));
  let repro: { case: FailingCase; divergence: Divergence } | undefined;
  for (const cand of candidates) {
    const d = await runFresh(cand);
    if (d) {
      repro = { case: cand, divergence: d };
      break;
    }
  }
  if (!repro) return { case: candidates[candidates.length - 1], divergence: { ...found, what: `${found.what} (seen after earlier streams on the same engines; not reproduced on fresh engines)` } };
  const shrinkers = await reload(ir, targets, origin);
  const reference = interpreterEngine(ir);
  const target = repro.divergence.target;
  const small = shrink(ir, repro.case, (c) => runStream(ir, c.base, c.stream, reference, shrinkers)?.target === target);
  const d = small === repro.case ? repro.divergence : await runFresh(small);
  return d ? { case: small, divergence: d } : repro;
}

/** Several cases as one stream: each after the first starts with a reset to its own parameters. */
function chain(cases: readonly Case[]): FailingCase {
  const stream: StreamStep[] = [];
  cases.forEach((c, i) => {
    if (i > 0) stream.push({ kind: RESET, t: 0, a: 0, b: 0, c: 0, d: 0, params: c.base });
    stream.push(...c.stream);
  });
  return { base: cases[0].base, stream };
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
