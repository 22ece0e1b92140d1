import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { renderDiagnostic } from "../language/render-diagnostic.js";
import { CaseGenerator } from "../targets/agreement/case-generator.js";
import { interpreterEngine, type TargetEngine } from "../targets/agreement/engine.js";
import { checkBatch, ReferenceRecorder, type Pending } from "../targets/agreement/hardware-batch.js";
import { replyProjection } from "../targets/agreement/reply-projection.js";
import { artifactPath, HARDWARE_TARGETS, isHardware, loadTarget, TARGETS, type HardwareTarget, type Origin, type Target } from "../targets/agreement/load-targets.js";
import { writeReplay } from "../targets/agreement/replay-file.js";
import type { Case } from "../targets/agreement/scenarios.js";
import { shrink, type FailingCase } from "../targets/agreement/shrink.js";
import { RESET, type StreamStep } from "../targets/agreement/streams.js";
import { topProgram, type HdlTop } from "../targets/hdl/hdl-top.js";
import { SimEngine } from "../targets/hdl/sim-engine.js";
import { writeVerilogVcd } from "../targets/verilog/iverilog-vcd.js";
import { loadVhdlEngine } from "../targets/vhdl/ghdl-engine.js";
import type { IrProgram } from "../compiler/ir.js";
import { pathToFileURL } from "node:url";
import { packageRoot } from "../compiler/package-root.js";
import { Coverage, percent, renderCoverage, totals, type CoverageRow, type CoverageSeen } from "../targets/agreement/coverage.js";
import { Prng } from "../targets/agreement/prng.js";
import { runStream, type Divergence, type Stats } from "../targets/agreement/run-agreement.js";
import { compileFile } from "./read-source.js";
import { showDivergence } from "./show-divergence.js";

export interface TestOptions {
  readonly runs: number;
  readonly seed: number;
  /** Target names, or ["all"]. */
  readonly targets: readonly string[];
  readonly timeBudgetSeconds?: number;
  readonly artifacts?: string;
  readonly failures: string;
  readonly quiet?: boolean;
  /** Fail (exit 1) when the reference's coverage ends below this many percent. */
  readonly minCoverage?: number;
  /** How many of the streams (the first ones) also run through GHDL; only with the vhdl target. */
  readonly vhdlRuns?: number;
  /**
   * Worker threads sharing the streams (default 1: this thread). Worker w runs its share from its own
   * seed (worker 0 from the run's seed, the others from seeds drawn from it), so a run is reproducible
   * from its seed and its worker count.
   */
  readonly workers?: number;
}

/** What a target ran: its streams, and the reference's coverage on exactly those streams. */
export interface TargetReport {
  readonly target: Target;
  /** The HDL top a circuit target ran: the engine, or the gateway (tested too when --artifacts has its file). */
  readonly top?: HdlTop;
  readonly streams: number;
  readonly events: number;
  readonly seconds: number;
  readonly coveragePercent: number;
}

export interface TestOutcome {
  readonly exitCode: number;
  /** Streams generated and run (shrinking and reproduction runs are not counted). */
  readonly streams: number;
  readonly divergence?: Divergence;
  readonly replayPath?: string;
  /** VCD files of the failing stream through the circuit that disagreed. */
  readonly waveforms?: readonly string[];
  /** Coverage of the reference per handler, and over all. */
  readonly coverage?: readonly CoverageRow[];
  readonly coveragePercent?: number;
  readonly targets?: readonly TargetReport[];
  /** Seconds spent generating the streams and running the reference, summed over workers. */
  readonly generationSeconds?: number;
  readonly referenceSeconds?: number;
  /** Worker threads the streams were spread over. */
  readonly workers?: number;
}

/** One thread's share of a run, before its coverage is reported (a worker sends this to the main thread). */
export interface PartResult {
  readonly outcome: TestOutcome;
  readonly seen: CoverageSeen;
  readonly generation: Stats;
  readonly reference: Stats;
  /** What the part printed: a failure, an error, the time budget. */
  readonly text: string;
}

/** Every this many streams, a stream is run twice in a row on the same engines: reset must really reset. */
const RERUN_EVERY = 16;
/** Streams kept for reproducing a failure that needs what earlier streams left behind. */
const HISTORY = 8;
/** GHDL simulates about 10^3 events/s: by default only the first streams of a run go through it. */
export const DEFAULT_VHDL_RUNS = 40;
/** Events sent to a Verilator model per exchange: large enough that the pipe round trips cost little. */
const EVENTS_PER_BATCH = 50_000;
/**
 * GHDL's batches: 4 streams, then twice as many each time up to 32 (a simulator run costs about 0.1 s
 * of elaboration, 32 streams a few seconds of simulation), so that a bug found early stops the run early.
 */
const FIRST_GHDL_BATCH = 4;
const MAX_GHDL_BATCH = 32;
/** Shrinking candidates per simulator: each GHDL candidate is a simulator run. */
const SHRINK_BUDGET: Record<Target, number> = { ts: 2_000, wasm: 2_000, verilog: 2_000, vhdl: 60 };

/** A simulated circuit in a run: its streams wait in a batch with the replies the reference recorded. */
interface Circuit {
  readonly target: HardwareTarget;
  readonly top: HdlTop;
  readonly engine: SimEngine;
  /** The reference's recorded replies, cut to the slots this top has. */
  readonly project: (words: BigInt64Array) => BigInt64Array;
  /** Streams it runs: all of them, or the first `--vhdl-runs` for GHDL. */
  readonly limit: number;
  pending: Pending[];
  pendingWords: number;
  /** The stream count at which the next batch goes to the simulator (GHDL: FIRST_GHDL_BATCH, ...). */
  flushAt: number;
  streams: number;
  coverageAtEnd?: number;
  readonly stats: Stats;
}

/** Names for several targets, as `compile --target` has them. */
const GROUPS: Record<string, readonly Target[]> = { all: TARGETS, hdl: HARDWARE_TARGETS };

/** The targets to run, or a message saying what is wrong with the options. */
export function chooseTargets(opts: Pick<TestOptions, "targets" | "vhdlRuns">): Target[] | { error: string } {
  const unknown = opts.targets.find((t) => !(TARGETS as readonly string[]).includes(t) && !GROUPS[t]);
  if (unknown !== undefined) return { error: `unknown target '${unknown}'; available: ${TARGETS.join(", ")}, hdl (verilog,vhdl), or all` };
  const chosen = opts.targets.flatMap((t) => GROUPS[t] ?? [t as Target]);
  const twice = chosen.find((t, i) => chosen.indexOf(t) !== i);
  if (twice !== undefined) return { error: `--targets names ${twice} twice (all is ${TARGETS.join(",")}; hdl is ${HARDWARE_TARGETS.join(",")}): give each target once` };
  if (opts.vhdlRuns !== undefined && !chosen.includes("vhdl"))
    return { error: `--vhdl-runs sets how many streams GHDL runs, but the vhdl target is not chosen: add it to --targets (${[...chosen, "vhdl"].join(",")}) or drop --vhdl-runs` };
  return chosen;
}

/** `lockstep test`: every target against the reference interpreter on generated streams. */
export async function runTest(file: string, opts: TestOptions): Promise<TestOutcome> {
  const out = (s: string) => opts.quiet || process.stdout.write(s);
  const chosen = chooseTargets(opts);
  if ("error" in chosen) {
    process.stderr.write(`lockstep: ${chosen.error}\n`);
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
  const workers = Math.max(1, Math.min(opts.workers ?? 1, Math.ceil(opts.runs / MIN_STREAMS_PER_WORKER)));
  let parts: PartResult[];
  try {
    parts = workers > 1 && !chosen.some(isHardware) ? await runInWorkers(file, opts, workers) : [await runPart(ir, file, chosen, opts, out)];
  } catch (e) {
    // a worker thread that died (out of memory, a bug): reported as an error of the run, never a stack trace
    out(`\nERROR while testing: ${e instanceof Error ? e.message : String(e)}\n`);
    return { exitCode: 2, streams: 0 };
  }
  if (workers > 1) for (const p of parts) out(p.text);
  if (parts.some((p) => p.outcome.exitCode === 1 && p.outcome.streams === 0)) return parts.find((p) => p.outcome.exitCode === 1)!.outcome;
  return report(ir, parts, opts, out);
}

/** Below this many streams per worker, starting a worker (it compiles the targets again) costs more than it saves. */
const MIN_STREAMS_PER_WORKER = 2_000;

/** The run's share of one thread: its streams, with their failure (if any) printed through `out`. */
export async function runPart(ir: IrProgram, file: string, targets: readonly Target[], opts: TestOptions, out: (s: string) => void): Promise<PartResult> {
  const origin: Origin = opts.artifacts ? { kind: "artifacts", dir: opts.artifacts } : { kind: "fresh" };
  const sims = new SimPool();
  let text = "";
  const both = (s: string) => {
    text += s;
    out(s);
  };
  try {
    return { ...(await testLoaded(ir, file, targets, origin, opts, sims, both)), text };
  } finally {
    sims.closeAll();
  }
}

/**
 * The streams spread over worker threads (tinypool), each with its own seed and its own engines; their
 * coverage is merged here. Hardware targets stay in one thread (one simulator process per run).
 */
async function runInWorkers(file: string, opts: TestOptions, workers: number): Promise<PartResult[]> {
  const { default: Tinypool } = await import("tinypool");
  // the built worker, also when this module runs from its TypeScript source (the tests)
  const filename = pathToFileURL(join(packageRoot(), "dist/cli/test-worker.js")).href;
  const pool = new Tinypool({ filename, minThreads: workers, maxThreads: workers });
  const seeds = workerSeeds(opts.seed, workers);
  try {
    return await Promise.all(
      seeds.map((seed, w) => {
        const runs = Math.floor(opts.runs / workers) + (w < opts.runs % workers ? 1 : 0);
        const task: WorkerTask = { file, opts: { ...opts, runs, seed, workers: 1, quiet: true, minCoverage: undefined } };
        return pool.run(task) as Promise<PartResult>;
      }),
    );
  } finally {
    await pool.destroy();
  }
}

/** What a worker thread is asked to run. */
export interface WorkerTask {
  readonly file: string;
  readonly opts: TestOptions;
}

/** Worker 0 runs from the run's seed (a one-worker run is worker 0's share); the others from seeds drawn from it. */
export function workerSeeds(seed: number, workers: number): number[] {
  const rng = new Prng(seed);
  return Array.from({ length: workers }, (_, w) => (w === 0 ? seed : rng.u32()));
}

/** The run's summary: the parts' streams, times and coverage together; --min-coverage applied. */
function report(ir: IrProgram, parts: readonly PartResult[], opts: TestOptions, out: (s: string) => void): TestOutcome {
  const coverage = new Coverage(ir);
  for (const p of parts) coverage.merge(p.seen);
  const rows = coverage.summary();
  const pct = percent(totals(rows));
  const sum = (f: (p: PartResult) => number) => parts.reduce((n, p) => n + f(p), 0);
  const streams = sum((p) => p.outcome.streams);
  const generation = { events: sum((p) => p.generation.events), ms: sum((p) => p.generation.ms) };
  const reference = { events: sum((p) => p.reference.events), ms: sum((p) => p.reference.ms) };
  const first = parts[0].outcome;
  const reports: TargetReport[] = (first.targets ?? []).map((t, i) => ({
    target: t.target,
    ...(t.top ? { top: t.top } : {}),
    streams: sum((p) => p.outcome.targets?.[i].streams ?? 0),
    events: sum((p) => p.outcome.targets?.[i].events ?? 0),
    seconds: sum((p) => p.outcome.targets?.[i].seconds ?? 0),
    // a circuit's coverage is the reference's on its own streams (fewer for GHDL); merged runs have no circuit
    coveragePercent: parts.length === 1 ? t.coveragePercent : pct,
  }));
  const failed = parts.find((p) => p.outcome.exitCode !== 0)?.outcome;
  let outcome: TestOutcome = {
    ...(failed ?? first),
    streams,
    targets: reports,
    coverage: rows,
    coveragePercent: pct,
    generationSeconds: generation.ms / 1000,
    referenceSeconds: reference.ms / 1000,
    workers: parts.length,
  };
  const errored = parts.some((p) => p.outcome.exitCode === 2 && p.outcome.divergence === undefined);
  out(summary(ir, streams, generation, reference, reports, pct, outcome.divergence, parts.length, errored));
  out(renderCoverage(ir.name, rows));
  const missing = coverage.missing();
  if (missing.length) out(`not reached (first ${missing.length}):\n${missing.map((m) => `  ${m}`).join("\n")}\n`);
  if (outcome.exitCode === 0 && opts.minCoverage !== undefined && pct < opts.minCoverage) {
    process.stderr.write(`lockstep: coverage of ${ir.name} is ${pct.toFixed(1)} %, below --min-coverage ${opts.minCoverage} %\n`);
    outcome = { ...outcome, exitCode: 1 };
  }
  return outcome;
}

async function testLoaded(ir: IrProgram, file: string, targets: readonly Target[], origin: Origin, opts: TestOptions, sims: SimPool, out: (s: string) => void): Promise<Omit<PartResult, "text">> {
  const stats = new Map<string, Stats>();
  const generation: Stats = { events: 0, ms: 0 };
  const software: TargetEngine[] = [];
  const circuits: Circuit[] = [];
  for (const t of targets) {
    for (const top of topsToTest(ir, t, origin)) {
      const e = await sims.load(ir, t, origin, top);
      if ("error" in e) {
        process.stderr.write(`lockstep: ${e.error}\n`);
        return { outcome: { exitCode: 1, streams: 0 }, seen: [], generation: { events: 0, ms: 0 }, reference: { events: 0, ms: 0 } };
      }
      const s = { events: 0, ms: 0 };
      stats.set(statsKey(t, top), s);
      if (e instanceof SimEngine) {
        const project = top === "engine" ? (w: BigInt64Array) => w : replyProjection(ir, topProgram(ir, top));
        circuits.push({ target: t as HardwareTarget, top, engine: e, project, limit: t === "vhdl" ? (opts.vhdlRuns ?? DEFAULT_VHDL_RUNS) : Infinity, pending: [], pendingWords: 0, flushAt: t === "vhdl" ? FIRST_GHDL_BATCH : Infinity, streams: 0, stats: s });
      } else software.push(e);
    }
  }
  const refStats = { events: 0, ms: 0 };
  stats.set("interpreter", refStats);
  const coverage = new Coverage(ir);
  const plainReference = interpreterEngine(ir, coverage);
  const recorder = circuits.length ? new ReferenceRecorder(ir, plainReference) : undefined;
  const reference = recorder?.engine ?? plainReference;
  const generator = new CaseGenerator(ir, opts.seed, coverage);
  const deadline = opts.timeBudgetSeconds ? performance.now() + opts.timeBudgetSeconds * 1000 : Infinity;
  const history: Case[] = [];
  const progress = progressBar(opts.runs, !opts.quiet && process.stderr.isTTY === true);
  let streams = 0;
  let failing: { case: FailingCase; divergence: Divergence; found: number } | undefined;
  let error: unknown;
  const flush = async (circuit: Circuit) => {
    const batch = circuit.pending;
    circuit.pending = [];
    circuit.pendingWords = 0;
    const t0 = performance.now();
    const m = checkBatch(topProgram(ir, circuit.top), circuit.engine, batch);
    circuit.stats.ms += performance.now() - t0;
    circuit.stats.events += batch.reduce((n, p) => n + p.expected.length, 0) / circuit.engine.wordsPerEvent;
    if (!m) return;
    const earlier = batch.slice(Math.max(0, m.at - HISTORY), m.at).map((p) => p.case);
    const r = await reproduce(ir, [circuit.target], origin, sims, earlier, batch[m.at].case, m.divergence, circuit.top);
    failing = { ...r, found: batch[m.at].index + 1 };
  };
  try {
    for (let i = 0; i < opts.runs && !failing; i++) {
      if (performance.now() > deadline) break;
      const g0 = performance.now();
      const k = generator.next(i);
      generation.ms += performance.now() - g0;
      generation.events += k.stream.length;
      streams++;
      progress(streams);
      const before = coverage.covered;
      let d = runStream(ir, k.base, k.stream, reference, software, stats);
      const expected = recorder?.take();
      generator.feedback(k, coverage.covered > before);
      const rerun = i % RERUN_EVERY === RERUN_EVERY - 1;
      let twice = false;
      if (!d && rerun) {
        d = runStream(ir, k.base, k.stream, reference, software, stats);
        recorder?.take();
        twice = d !== undefined;
      }
      if (d) failing = { ...(await reproduce(ir, targets.filter((t) => !isHardware(t)), origin, sims, twice ? [k] : history, k, d)), found: streams };
      history.push(k);
      if (history.length > HISTORY) history.shift();
      for (const circuit of circuits) {
        if (failing || circuit.streams >= circuit.limit) continue;
        // a stream run twice in a row on the circuit too: the second run starts from its reset
        const mine = circuit.project(expected!);
        for (let n = rerun ? 2 : 1; n > 0; n--) circuit.pending.push({ index: i, case: k, expected: mine });
        circuit.pendingWords += (rerun ? 2 : 1) * mine.length;
        circuit.streams++;
        const last = circuit.streams === circuit.limit;
        if (last) circuit.coverageAtEnd = percent(totals(coverage.summary()));
        const due = circuit.streams >= circuit.flushAt;
        if (due) circuit.flushAt += Math.min(circuit.flushAt, MAX_GHDL_BATCH);
        if (last || due || circuit.pendingWords >= EVENTS_PER_BATCH * circuit.engine.wordsPerEvent) await flush(circuit);
      }
    }
    for (const circuit of circuits) if (!failing) await flush(circuit);
  } catch (e) {
    error = e;
  }
  progress(-1);
  if (streams < opts.runs && !failing && error === undefined)
    out(`time budget of ${opts.timeBudgetSeconds} s reached after ${streams} of ${opts.runs} streams\n`);
  const rows = coverage.summary();
  const pct = percent(totals(rows));
  const reports: TargetReport[] = targets.flatMap((t) =>
    topsToTest(ir, t, origin).map((top) => {
      const circuit = circuits.find((x) => x.target === t && x.top === top);
      const s = stats.get(statsKey(t, top))!;
      return { target: t, ...(circuit ? { top } : {}), streams: circuit?.streams ?? streams, events: s.events, seconds: s.ms / 1000, coveragePercent: circuit?.coverageAtEnd ?? pct };
    }),
  );
  let outcome: TestOutcome = { exitCode: 0, streams, targets: reports };
  if (error !== undefined) {
    out(`\nERROR while testing: ${error instanceof Error ? error.message : String(error)}\n`);
    outcome = { ...outcome, exitCode: 2 };
  } else if (failing) {
    const { divergence, case: fc, found } = failing;
    mkdirSync(opts.failures, { recursive: true });
    const stem = join(opts.failures, `${basename(file).replace(/\.lstep$/, "")}-seed${opts.seed}`);
    const path = `${stem}.json`;
    const circuit = circuits.find((x) => x.engine.name === divergence.target);
    const top = circuit?.top ?? "engine";
    const waveforms = circuit ? writeWaveforms(ir, circuit.target, top, origin, fc, `${stem}.${divergence.target.replace(" ", "-")}.vcd`, out) : [];
    // a gateway's replay runs that circuit alone, on the gateway's slice
    const replayTargets = top === "engine" ? targets : [circuit!.target];
    writeReplay(path, { source: file, targets: replayTargets, origin, seed: opts.seed, params: fc.base, stream: fc.stream, divergence, ...(top === "engine" ? {} : { top }), ...(waveforms.length ? { waveforms } : {}) });
    const internal = divergence.target === "interpreter";
    out(
      internal
        ? `\nINTERNAL ERROR: ${divergence.what} at step ${divergence.step}; please report it with the replay file\n`
        : `\nDISAGREEMENT: ${divergence.target} differs from the reference on ${divergence.what} after step ${divergence.step} of a ${fc.stream.length}-step stream (shrunk), found by stream ${found}\n`,
    );
    out(showDivergence(topProgram(ir, top), fc.stream, divergence));
    out(`replay it: lockstep replay ${path}\n`);
    for (const w of waveforms) out(`waveforms: ${w}\n`);
    outcome = { ...outcome, exitCode: internal ? 2 : 1, divergence, replayPath: path, waveforms };
  }
  return { outcome, seen: coverage.seen(), generation, reference: refStats };
}

/** The failing stream through the circuit again, with its waveforms dumped; a failure to write them is reported, not fatal. */
function writeWaveforms(ir: IrProgram, target: HardwareTarget, top: HdlTop, origin: Origin, fc: FailingCase, path: string, out: (s: string) => void): string[] {
  try {
    const text = origin.kind === "artifacts" ? readFileSync(artifactPath(ir, origin.dir, target, top), "utf8") : undefined;
    if (target === "verilog") writeVerilogVcd(ir, fc.base, fc.stream, path, text, top);
    else {
      const vhdl = loadVhdlEngine(ir, text, { vcd: path, top });
      vhdl.prepare(fc.base, fc.stream);
    }
    return [path];
  } catch (e) {
    out(`(no waveforms: ${e instanceof Error ? e.message : String(e)})\n`);
    return [];
  }
}

/**
 * The HDL tops a target runs: for a circuit from `--artifacts`, the engine and, when `compile` wrote it,
 * the gateway; otherwise the one engine.
 */
function topsToTest(ir: IrProgram, target: Target, origin: Origin): HdlTop[] {
  if (!isHardware(target) || origin.kind !== "artifacts") return ["engine"];
  return existsSync(artifactPath(ir, origin.dir, target, "gateway")) ? ["engine", "gateway"] : ["engine"];
}

/** An engine's times are kept under its target's name (what runStream reports them by); a gateway's beside it. */
const statsKey = (target: Target, top: HdlTop) => (top === "engine" ? target : `${target} ${top}`);

/** Loaded engines; simulation processes among them are closed at the end of the run. */
class SimPool {
  private readonly open: SimEngine[] = [];

  async load(ir: IrProgram, target: Target, origin: Origin, top: HdlTop = "engine"): Promise<TargetEngine | { error: string }> {
    const e = await loadTarget(ir, target, origin, top);
    if (e instanceof SimEngine) this.open.push(e);
    return e;
  }

  async loadAll(ir: IrProgram, targets: readonly Target[], origin: Origin, top: HdlTop = "engine"): Promise<TargetEngine[]> {
    const out: TargetEngine[] = [];
    for (const t of targets) {
      const e = await this.load(ir, t, origin, top);
      if (!("error" in e)) out.push(e);
    }
    return out;
  }

  closeAll(): void {
    for (const e of this.open.splice(0)) e.close();
  }
}

/** runStream, with each simulated circuit sent the whole stream in one exchange first. */
function runOn(ir: IrProgram, engines: readonly TargetEngine[], fc: FailingCase): Divergence | undefined {
  for (const e of engines) if (e instanceof SimEngine) e.prepare(fc.base, fc.stream);
  return runStream(ir, fc.base, fc.stream, interpreterEngine(ir), engines);
}

/**
 * A failure found on engines that ran earlier streams, made reproducible on fresh engines: the case
 * alone, or (when reset leaked state) the earlier streams, each followed by a reset, then the case.
 * Then shrunk on the engine that disagreed; the replay file holds whatever reproduces it. A gateway
 * is compared with the reference on its slice of the program.
 */
async function reproduce(
  whole: IrProgram,
  targets: readonly Target[],
  origin: Origin,
  sims: SimPool,
  history: readonly Case[],
  k: Case,
  found: Divergence,
  top: HdlTop = "engine",
): Promise<{ case: FailingCase; divergence: Divergence }> {
  const ir = topProgram(whole, top);
  const runFresh = async (fc: FailingCase) => runOn(ir, await sims.loadAll(whole, targets, origin, top), fc);
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
  const target = repro.divergence.target;
  const shrinkers = await sims.loadAll(whole, targets.includes(target as Target) ? [target as Target] : targets, origin, top);
  const budget = SHRINK_BUDGET[targets.length === 1 ? targets[0] : (target as Target)] ?? SHRINK_BUDGET.ts;
  const small = shrink(ir, repro.case, (c) => runOn(ir, shrinkers, c)?.target === target, budget);
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

/** The run's table: generation (steps generated), the reference, then each target, each with its own time. */
function summary(ir: IrProgram, streams: number, generation: Stats, ref: Stats, reports: readonly TargetReport[], pct: number, d: Divergence | undefined, workers: number, errored: boolean): string {
  const rows = [["stage", "streams", "events", "disagreements", "time", "coverage"]];
  rows.push(["generation", String(streams), `${generation.events} steps`, "", `${(generation.ms / 1000).toFixed(2)} s`, ""]);
  rows.push(["interpreter", String(streams), String(ref.events), "(reference)", `${(ref.ms / 1000).toFixed(2)} s`, `${pct.toFixed(1)} %`]);
  for (const r of reports)
    rows.push([r.top === "gateway" ? `${r.target} gateway` : r.target, String(r.streams), String(r.events), d?.target === (r.top === "gateway" ? `${r.target} gateway` : r.target) ? "1" : "0", `${r.seconds.toFixed(2)} s`, `${r.coveragePercent.toFixed(1)} %`]);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  "));
  const spread = workers > 1 ? ` (${workers} worker threads; times are summed over them)` : "";
  const verdict = d ? "FAILED" : errored ? "STOPPED by the error above" : "all targets agree with the reference";
  return `\n${ir.name}: ${verdict}${spread}\n${lines.join("\n")}\n`;
}
