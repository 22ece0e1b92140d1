import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { renderDiagnostic } from "../language/render-diagnostic.js";
import { runBacktest, type BacktestConfig } from "../runtime/backtest/backtest.js";
import { renderSummary, summarize, type Units } from "../runtime/backtest/summary.js";
import { MAX_ARTIFACT_BYTES, readBoundedFile } from "../runtime/bounded-file.js";
import type { EventTape } from "../runtime/event-tape.js";
import type { DepthTape } from "../runtime/feed/depth-tape.js";
import { constantLatency, parseLatencyCsv, type LatencyModel } from "../runtime/exchange/latency.js";
import type { QueueModel } from "../runtime/exchange/queue-model.js";
import { ParamReload, RecordType, parameterHash } from "../runtime/log/log-format.js";
import { encodeHeader, programHash } from "../runtime/log/log-writer.js";
import { renderLatency } from "../runtime/latency/render-latency.js";
import { TickToTrade, discardSink } from "../runtime/latency/tick-to-trade.js";
import { outputLayout, type OutputLayout } from "../runtime/orders/output-layout.js";
import type { StrategyEngine } from "../runtime/orders/strategy-engine.js";
import { emitTypeScript } from "../targets/ts/emit-ts.js";
import { loadTsModule } from "../targets/ts/load-module.js";
import { emitWasm } from "../targets/wasm/emit-wasm.js";
import { loadWasm } from "../targets/wasm/load-wasm.js";
import { toDecimalText, toNumber, mul } from "../compiler/exact-math.js";
import { REJECT_REASONS, type IrProgram } from "../compiler/ir.js";
import { readParamVector } from "./param-values.js";
import { loadData } from "./load-data.js";
import { compileFile } from "./read-source.js";
import { sameFile } from "./output-file.js";

export interface BacktestOptions {
  readonly data: string;
  readonly target: "ts" | "wasm";
  readonly params?: string;
  readonly depth: boolean;
  readonly log?: string;
  readonly format: "text" | "json";
  readonly queue: "conservative" | "probabilistic";
  readonly feedLatency: number;
  readonly orderLatency: number;
  readonly latencyFile?: string;
  readonly makerFee: number;
  readonly takerFee: number;
  readonly allowTaker: boolean;
  readonly logLatency: boolean;
}

/** The probabilistic queue model's power (hftbacktest's PowerProbQueueFunc with n = 2). */
const QUEUE_POWER = 2;

/** A user error, already worded; the command prints it and exits 1. */
export class UserError extends Error {}

/** The simulator's options, shared by `backtest` and `run`. */
export type SimulatorOptions = Pick<BacktestOptions, "queue" | "feedLatency" | "orderLatency" | "latencyFile" | "makerFee" | "takerFee" | "allowTaker">;

/** The queue data the settings name when the simulator runs on the best bid and ask alone. */
const BOOK_ONLY = "book (L1)";

/**
 * The exchange simulator's configuration, and its settings as the log's metadata and the JSON summary
 * state them (queues from the book alone; `withDepth` says otherwise).
 */
export function simulator(opts: SimulatorOptions) {
  const latency: LatencyModel = opts.latencyFile ? latencyFile(opts.latencyFile) : constantLatency(opts.feedLatency, opts.orderLatency);
  const queue: QueueModel = opts.queue === "conservative" ? { kind: "conservative" } : { kind: "probabilistic", power: QUEUE_POWER };
  const config: BacktestConfig = { queue, latency, postOnly: !opts.allowTaker, makerFeeBps: opts.makerFee, takerFeeBps: opts.takerFee };
  const settings = {
    queue: opts.queue,
    queuePower: opts.queue === "probabilistic" ? QUEUE_POWER : 0,
    latency: opts.latencyFile ? `file ${opts.latencyFile}` : `feed ${opts.feedLatency} ns, order ${opts.orderLatency} ns each way`,
    postOnly: config.postOnly,
    makerFeeBps: opts.makerFee,
    takerFeeBps: opts.takerFee,
    queueData: BOOK_ONLY,
  };
  return { config, settings };
}

export type SimulatorSettings = ReturnType<typeof simulator>["settings"];

function withDepth(settings: SimulatorSettings, depth: DepthTape | undefined): SimulatorSettings {
  return depth === undefined ? settings : { ...settings, queueData: `depth (L2, ${depth.length} rows)` };
}

export function summaryUnits(ir: IrProgram): Units {
  return { tick: toNumber(ir.instrument.tick), lot: toNumber(ir.instrument.lot), reasons: REJECT_REASONS };
}

export function summaryTitle(ir: IrProgram, data: string, target: string, s: SimulatorSettings): string {
  return `${ir.name} on ${data} (${target}; ${s.queue} queue from ${s.queueData}; ${s.latency}; fees maker ${s.makerFeeBps} bps, taker ${s.takerFeeBps} bps; ${s.postOnly ? "post-only" : "taker orders allowed"})`;
}

export function unitsNote(ir: IrProgram): string {
  return `  (${ir.instrument.name}: quantities in units of 1, a lot is ${toDecimalText(ir.instrument.lot)}; money in the quote currency, a tick × lot is ${toDecimalText(mul(ir.instrument.tick, ir.instrument.lot))})\n`;
}

/** The run log's header: the program, its source's hash, the instrument, the outputs, the data and the simulator's settings. */
export function logHeader(ir: IrProgram, source: string, data: string, simulator: Record<string, string | number | boolean>): Uint8Array {
  return encodeHeader(programHash(source), {
    program: ir.name,
    source: ir.sourcePath,
    instrument: { name: ir.instrument.name, tick: toDecimalText(ir.instrument.tick) ?? "", lot: toDecimalText(ir.instrument.lot) ?? "" },
    outputs: ir.outputs.map((o) => o.name),
    data,
    simulator,
  });
}

/**
 * `lockstep backtest FILE --data REC`: the recording through the compiled strategy, its order manager
 * and risk check, and the exchange simulator; prints the summary and, with `--log`, writes the run log.
 * Everything is read and checked before the first event runs.
 */
export async function runBacktestCommand(file: string, opts: BacktestOptions): Promise<number> {
  try {
    if (opts.logLatency && !opts.log) throw new UserError("--log-latency writes the samples into the log: give --log RUN.lsl too");
    const { ir, text } = program(file);
    const layout = outputLayout(ir.outputs.map((o) => o.name));
    if ("error" in layout) throw new UserError(`${file}: cannot backtest: ${layout.error}`);
    const params = parameters(ir, opts.params);
    const sim = simulator(opts);
    const config = sim.config;
    const { tape, depth } = recording(opts.data, ir, opts.depth);
    const settings = withDepth(sim.settings, depth);
    const probe = new TickToTrade();
    const engine = probe.engine(await loadEngine(ir, opts.target, params));
    if (opts.log !== undefined) {
      const log = opts.log;
      const input = [file, opts.data, opts.params, opts.latencyFile].find((i) => i !== undefined && sameFile(i, log));
      if (input !== undefined) throw new UserError(`--log ${log} is also an input (${input}); choose another log file`);
    }
    const log = openLog(opts.log, probe, opts.logLatency, ir, text, opts.data, settings, params);
    const bar = progressBar(process.stderr.isTTY === true && opts.format === "text");
    const started = process.hrtime.bigint();
    let result;
    try {
      result = runBacktest(engine, layout, tape, depth, config, { riskCheck: hasRiskCheck(ir, layout), log: log.writer, progress: bar });
    } catch (e) {
      log.abort();
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== undefined) throw new UserError(`${opts.log}: cannot write the log (${code}); nothing was written`);
      throw e;
    }
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    bar(-1, 0);
    log.close();
    const summary = summarize(result, summaryUnits(ir), wall);
    const tickToTrade = probe.figures();
    if (opts.format === "json") process.stdout.write(`${JSON.stringify({ program: ir.name, data: opts.data, target: opts.target, simulator: settings, ...summary, tickToTrade }, null, 2)}\n`);
    else {
      process.stdout.write(renderSummary(summary, summaryTitle(ir, opts.data, opts.target, settings)));
      process.stdout.write(renderLatency(tickToTrade));
      process.stdout.write(unitsNote(ir));
      if (opts.log) process.stdout.write(`  log: ${opts.log} (${log.writer.count} records${opts.logLatency ? ", tick-to-trade samples included" : ""})\n`);
    }
    return 0;
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    process.stderr.write(`lockstep: ${e.message}\n`);
    return 1;
  }
}

export function program(path: string): { ir: IrProgram; text: string } {
  const c = compileFile(path);
  if ("error" in c) throw new UserError(c.error);
  if (!c.ir) throw new UserError(c.diagnostics.errors().map((d) => renderDiagnostic(c.file, d)).join("\n\n"));
  for (const d of c.diagnostics.warnings()) process.stderr.write(`${renderDiagnostic(c.file, d)}\n\n`);
  return { ir: c.ir, text: c.file.text };
}

/** A program without a risk block never writes `accept` in its order handler: its orders go out unchecked. */
export function hasRiskCheck(ir: IrProgram, layout: OutputLayout): boolean {
  return ir.handlers.some((h) => h.event === "order" && h.outputs.some((o) => o.slot === layout.accept));
}

/** The parameter vector from a values JSON or a parameter file of `lockstep params` (by its magic), as `step` reads it. */
export function parameters(ir: IrProgram, path: string | undefined): bigint[] {
  const r = readParamVector(ir, path);
  if ("error" in r) throw new UserError(r.error);
  for (const note of r.notes) process.stderr.write(`${note}\n\n`);
  return r.vector;
}

/**
 * The recording through the one loader every --data takes (any venue, or an event file from `lockstep
 * import`), at the instrument's exact tick; any bad line is an error. With `--depth` its level-2 rows go
 * to the simulator, which then knows the queue at every price it rests at; without, it learns queues from
 * the best bid and ask only (L1).
 */
export function recording(path: string, ir: IrProgram, withDepth: boolean): { tape: EventTape; depth: DepthTape | undefined } {
  const r = loadData(path, ir);
  if ("error" in r) throw new UserError(r.error);
  for (const note of r.notes) process.stderr.write(`${note}\n`);
  if (withDepth && r.depth.length === 0) throw new UserError(`${path}: --depth, but the recording has no depth (level-2) rows; leave --depth out to run on the best bid and ask`);
  return { tape: r.tape, depth: withDepth ? r.depth : undefined };
}

function latencyFile(path: string): LatencyModel {
  const bytes = readBoundedFile(path, MAX_ARTIFACT_BYTES);
  if ("error" in bytes) throw new UserError(bytes.error);
  const parsed = parseLatencyCsv(bytes.toString("utf8"));
  if ("errors" in parsed) throw new UserError(parsed.errors.slice(0, 10).map((e) => `${path}:${e.line}:${e.column}: ${e.message}`).join("\n"));
  return parsed;
}

/** The compiled module in this process, reset with the parameters. */
async function loadEngine(ir: IrProgram, target: "ts" | "wasm", params: readonly bigint[]): Promise<StrategyEngine> {
  if (target === "ts") {
    const module = await loadTsModule(await emitTypeScript(ir));
    const engine = new module.Engine();
    engine.reset(params.map(Number));
    return engine;
  }
  const engine = await loadWasm((await emitWasm(ir)).wasm);
  engine.reset(params);
  return engine;
}

/**
 * The run log, written through the tick-to-trade probe's writer (it sees every order action); without
 * a path the records go nowhere, so the latency is measured the same way with or without a log file.
 */
function openLog(path: string | undefined, probe: TickToTrade, logLatency: boolean, ir: IrProgram, source: string, data: string, simulator: Record<string, string | number | boolean>, params: readonly bigint[]) {
  // written beside its place and renamed there at the end: a run that fails leaves no partial log
  const temp = path === undefined ? undefined : join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  let fd = -1;
  try {
    if (path !== undefined && temp !== undefined) {
      mkdirSync(dirname(path), { recursive: true }); // as every output file's folder is
      fd = openSync(temp, "w");
    }
  } catch (e) {
    throw new UserError(`${path}: cannot write the log (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const writer = probe.writer(fd >= 0 ? (b) => void writeSync(fd, b) : discardSink, logHeader(ir, source, data, simulator), logLatency && fd >= 0);
  writer.record(RecordType.paramReload, ParamReload.initial, 0, parameterHash(params), 0, params.length, 0, 0, 0);
  return {
    writer,
    close: () => {
      writer.flush();
      if (fd >= 0) closeSync(fd);
      if (temp !== undefined && path !== undefined) renameSync(temp, path);
    },
    abort: () => {
      if (fd >= 0) closeSync(fd);
      if (temp !== undefined) rmSync(temp, { force: true });
    },
  };
}

function progressBar(enabled: boolean): (done: number, total: number) => void {
  return (done, total) => {
    if (!enabled) return;
    if (done < 0) {
      process.stderr.write("\r\x1b[K");
      return;
    }
    const width = 30;
    const filled = Math.round((width * done) / Math.max(1, total));
    process.stderr.write(`\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} events`);
  };
}
