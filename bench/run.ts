import { readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { parameterVector } from "../compiler/derived-eval.js";
import { compileSource } from "../compiler/pipeline.js";
import { RECORD_SIZE, tapeToRecords, type EventTape } from "../runtime/event-tape.js";
import { readBinanceJsonlGz, repeatTape } from "../runtime/feed/binance-jsonl.js";
import { emitTypeScript } from "../targets/ts/emit-ts.js";
import { loadTsModule, type TsEngine } from "../targets/ts/load-module.js";
import { emitWasm } from "../targets/wasm/emit-wasm.js";
import { loadWasm, type WasmEngine } from "../targets/wasm/load-wasm.js";
import { runOptimized } from "./baselines/as-float-optimized.js";
import { runIdiomatic } from "./baselines/as-idiomatic.js";
import { formatTable, measure, type Measurement } from "./measure.js";
import { benchRecordingRead } from "./recording-read.js";

/**
 * The compiled Avellaneda–Stoikov strategy against two hand-written float baselines, in one run, on
 * 10^6 events replayed from the bundled BTC/USDT excerpt. Ratios, not absolute times, are the result.
 */
const EVENTS = Number(process.env.LOCKSTEP_BENCH_EVENTS ?? 1_000_000);
const EXCERPT = "examples/data/btcusdt-20240808-excerpt.jsonl.gz";

/** What both compiled engines offer the replay loop. */
interface SteppingEngine<P> {
  reset(params: P): void;
  step(kind: number, t: number, a: number, b: number, c: number, d: number): boolean;
  readonly outputs: Float64Array;
}

/** Replays the tape; the checksum of quoted prices keeps the work observable. */
function replay<P>(engine: SteppingEngine<P>, params: P, tape: EventTape): number {
  engine.reset(params);
  const { kind, t, a, b, c, d } = tape;
  const out = engine.outputs;
  let checksum = 0;
  for (let i = 0; i < tape.length; i++) {
    engine.step(kind[i], t[i], a[i], b[i], c[i], d[i]);
    if (out[0] !== 0) checksum += out[1] + out[2];
  }
  return checksum;
}

/** The compiled TypeScript engine's allocation-free path: events as rows of a Float64Array. */
function replayRecords(engine: TsEngine, params: ArrayLike<number>, records: Float64Array): number {
  engine.reset(params);
  const out = engine.outputs;
  let checksum = 0;
  for (let at = 0; at < records.length; at += RECORD_SIZE) {
    engine.stepRecord(records, at);
    if (out[0] !== 0) checksum += out[1] + out[2];
  }
  return checksum;
}

/** The WebAssembly engine's batch path: 4096 events per call, outputs read from the batch rows. */
function replayBatches(engine: WasmEngine, params: readonly bigint[], records: Float64Array): number {
  engine.reset(params);
  const batch = 4096;
  const events = records.length / RECORD_SIZE;
  const width = engine.outputs.length;
  let checksum = 0;
  for (let first = 0; first < events; first += batch) {
    const count = Math.min(batch, events - first);
    engine.stepBatch(records, first, count);
    const out = engine.batchOutputs;
    for (let i = 0; i < count; i++) if (out[i * width] !== 0) checksum += out[i * width + 1] + out[i * width + 2];
  }
  return checksum;
}

async function main(): Promise<void> {
  const tape = repeatTape(readBinanceJsonlGz(EXCERPT, { tick: "0.01", lot: "0.00001" }).tape, EVENTS);
  const path = "examples/avellaneda.lstep";
  const c = compileSource(path, readFileSync(path, "utf8"));
  if (!c.ir) throw new Error(`${path} does not compile`);
  const engine = new (await loadTsModule(await emitTypeScript(c.ir))).Engine();
  const vector = parameterVector(c.ir, c.ir.params.map((p) => p.default));
  const params = vector.map(Number);
  const wasm = await loadWasm((await emitWasm(c.ir)).wasm);
  const rows: Measurement[] = [];
  rows.push(await measure("idiomatic float TS", () => runIdiomatic(tape), tape.length));
  rows.push(await measure("hand-optimized float TS", () => runOptimized(tape), tape.length));
  rows.push(await measure("compiled TS (exact), step()", () => replay<ArrayLike<number>>(engine, params, tape), tape.length));
  const records = tapeToRecords(tape);
  rows.push(await measure("compiled TS (exact), stepRecord()", () => replayRecords(engine, params, records), tape.length));
  rows.push(await measure("compiled WebAssembly (exact), step()", () => replay<readonly bigint[]>(wasm, vector, tape), tape.length));
  rows.push(await measure("compiled WebAssembly (exact), stepBatch()", () => replayBatches(wasm, vector, records), tape.length));
  if (new Set(rows.slice(2).map((r) => r.checksum)).size !== 1) throw new Error("the TypeScript and WebAssembly strategies disagree");
  const table = formatTable(rows, "hand-optimized float TS");
  process.stdout.write(`${tape.length} events (${EXCERPT} replayed), node ${process.version}\n${table}\n`);
  mkdirSync("build", { recursive: true });
  writeFileSync("build/bench.json", JSON.stringify({ events: tape.length, node: process.version, rows }, null, 2));
  process.stdout.write(`\n${await benchRecordingRead()}\n`);
}

await main();
