import { closeSync, openSync, writeSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { renderDiagnostic } from "../../language/render-diagnostic.js";
import { sourceFile } from "../../language/source-file.js";
import { runBacktest, type BacktestConfig } from "../../runtime/backtest/backtest.js";
import { renderSummary, summarize, type Units } from "../../runtime/backtest/summary.js";
import { MAX_ARTIFACT_BYTES, MAX_SOURCE_BYTES, readBoundedFile } from "../../runtime/bounded-file.js";
import type { EventTape } from "../../runtime/event-tape.js";
import { parseBinanceJsonl } from "../../runtime/feed/binance-jsonl.js";
import { constantLatency, parseLatencyCsv, type LatencyModel } from "../../runtime/exchange/latency.js";
import type { QueueModel } from "../../runtime/exchange/queue-model.js";
import { ParamReload, RecordType, parameterHash } from "../../runtime/log/log-format.js";
import { LogWriter, encodeHeader, programHash } from "../../runtime/log/log-writer.js";
import { outputLayout, type OutputLayout } from "../../runtime/orders/output-layout.js";
import type { StrategyEngine } from "../../runtime/orders/strategy-engine.js";
import { emitTypeScript } from "../../targets/ts/emit-ts.js";
import { loadTsModule } from "../../targets/ts/load-module.js";
import { emitWasm } from "../../targets/wasm/emit-wasm.js";
import { loadWasm } from "../../targets/wasm/load-wasm.js";
import { ParameterError, parameterVector } from "../derived-eval.js";
import { toDecimalText, toNumber, mul } from "../exact-math.js";
import { REJECT_REASONS, type IrProgram } from "../ir.js";
import { parseParamsJson } from "./params-json.js";
import { compileFile } from "./read-source.js";

export interface BacktestOptions {
  readonly data: string;
  readonly target: "ts" | "wasm";
  readonly params?: string;
  readonly log?: string;
  readonly format: "text" | "json";
  readonly queue: "conservative" | "probabilistic";
  readonly feedLatency: number;
  readonly orderLatency: number;
  readonly latencyFile?: string;
  readonly makerFee: number;
  readonly takerFee: number;
  readonly allowTaker: boolean;
}

/** The probabilistic queue model's power (hftbacktest's PowerProbQueueFunc with n = 2). */
const QUEUE_POWER = 2;
const MAX_DATA_BYTES = 1 << 30;

/** A user error, already worded; the command prints it and exits 1. */
export class UserError extends Error {}

/** The simulator's options, shared by `backtest` and `run`. */
export type SimulatorOptions = Pick<BacktestOptions, "queue" | "feedLatency" | "orderLatency" | "latencyFile" | "makerFee" | "takerFee" | "allowTaker">;

/** The exchange simulator's configuration, and its settings as the log's metadata and the JSON summary state them. */
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
  };
  return { config, settings };
}

export function summaryUnits(ir: IrProgram): Units {
  return { tick: toNumber(ir.instrument.tick), lot: toNumber(ir.instrument.lot), reasons: REJECT_REASONS };
}

export function summaryTitle(ir: IrProgram, data: string, target: string, settings: ReturnType<typeof simulator>["settings"]): string {
  const s = settings;
  return `${ir.name} on ${data} (${target}; ${s.queue} queue; ${s.latency}; fees maker ${s.makerFeeBps} bps, taker ${s.takerFeeBps} bps; ${s.postOnly ? "post-only" : "taker orders allowed"})`;
}

export function unitsNote(ir: IrProgram): string {
  return `  (${ir.instrument.name}: quantities in units of 1, a lot is ${toDecimalText(ir.instrument.lot)}; money in the quote currency, a tick × lot is ${toDecimalText(mul(ir.instrument.tick, ir.instrument.lot))})\n`;
}

/**
 * `lockstep backtest FILE --data REC`: the recording through the compiled strategy, its order manager
 * and risk check, and the exchange simulator; prints the summary and, with `--log`, writes the run log.
 * Everything is read and checked before the first event runs.
 */
export async function runBacktestCommand(file: string, opts: BacktestOptions): Promise<number> {
  try {
    const { ir, text } = program(file);
    const layout = outputLayout(ir.outputs.map((o) => o.name));
    if ("error" in layout) throw new UserError(`${file}: cannot backtest: ${layout.error}`);
    const params = parameters(ir, opts.params);
    const { config, settings } = simulator(opts);
    const tape = recording(opts.data, ir);
    const engine = await loadEngine(ir, opts.target, params);
    const log = opts.log ? openLog(opts.log, ir, text, opts.data, settings, params) : undefined;
    const bar = progressBar(process.stderr.isTTY === true && opts.format === "text");
    const started = process.hrtime.bigint();
    const result = runBacktest(engine, layout, tape, undefined, config, { riskCheck: hasRiskCheck(ir, layout), log: log?.writer, progress: bar });
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    bar(-1, 0);
    log?.close();
    const summary = summarize(result, summaryUnits(ir), wall);
    if (opts.format === "json") process.stdout.write(`${JSON.stringify({ program: ir.name, data: opts.data, target: opts.target, simulator: settings, ...summary }, null, 2)}\n`);
    else {
      process.stdout.write(renderSummary(summary, summaryTitle(ir, opts.data, opts.target, settings)));
      process.stdout.write(unitsNote(ir));
      if (opts.log) process.stdout.write(`  log: ${opts.log} (${log!.writer.count} records)\n`);
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

function parameters(ir: IrProgram, path: string | undefined): bigint[] {
  let base = ir.params.map((p) => p.default);
  if (path !== undefined) {
    const bytes = readBoundedFile(path, MAX_SOURCE_BYTES);
    if ("error" in bytes) throw new UserError(bytes.error);
    const file = sourceFile(path, bytes.toString("utf8"));
    const values = parseParamsJson(file, ir);
    if (!("base" in values)) throw new UserError(values.diagnostics.errors().map((d) => renderDiagnostic(file, d)).join("\n\n"));
    for (const d of values.diagnostics.items) process.stderr.write(`${renderDiagnostic(file, d)}\n\n`);
    base = values.base;
  }
  try {
    return parameterVector(ir, base);
  } catch (e) {
    if (e instanceof ParameterError) throw new UserError(`${path ?? "the default parameters"}: the parameter set is refused: ${e.message}`);
    throw e;
  }
}

/** A Binance recording (.jsonl or .jsonl.gz) at the instrument's exact tick and lot; any bad line is an error. */
function recording(path: string, ir: IrProgram): EventTape {
  const tick = toDecimalText(ir.instrument.tick);
  const lot = toDecimalText(ir.instrument.lot);
  if (!tick || !lot) throw new UserError(`${ir.sourcePath}: the instrument's tick and lot must be decimals to read a recording at them`);
  const bytes = readBoundedFile(path, MAX_ARTIFACT_BYTES);
  if ("error" in bytes) throw new UserError(bytes.error);
  let text: string;
  try {
    text = (path.endsWith(".gz") ? gunzipSync(bytes, { maxOutputLength: MAX_DATA_BYTES }) : bytes).toString("utf8");
  } catch (e) {
    throw new UserError(`${path}: cannot decompress the recording (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const parsed = parseBinanceJsonl(text, { tick, lot });
  if (parsed.errorCount > 0) {
    const lines = parsed.errors.slice(0, 5).map((e) => `  ${path}:${e.line}: ${e.message}`);
    throw new UserError(
      `${path}: ${parsed.errorCount} malformed line${parsed.errorCount === 1 ? "" : "s"} at the instrument's tick ${tick} and lot ${lot}:\n${lines.join("\n")}\n` +
        `give a Binance recording as in examples/data/ whose prices and sizes are whole ticks and lots of the instrument`,
    );
  }
  if (parsed.tape.length === 0) throw new UserError(`${path}: no book or trade event in the recording; give a Binance recording as in examples/data/`);
  return parsed.tape;
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

/** The run log's header: the program, its instrument and outputs, the data and the simulator's settings. */
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

function openLog(path: string, ir: IrProgram, source: string, data: string, simulator: Record<string, string | number | boolean>, params: readonly bigint[]) {
  let fd: number;
  try {
    fd = openSync(path, "w");
  } catch (e) {
    throw new UserError(`${path}: cannot write the log (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const writer = new LogWriter((b) => writeSync(fd, b), logHeader(ir, source, data, simulator));
  writer.record(RecordType.paramReload, ParamReload.initial, 0, parameterHash(params), 0, params.length, 0, 0, 0);
  return {
    writer,
    close: () => {
      writer.flush();
      closeSync(fd);
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
