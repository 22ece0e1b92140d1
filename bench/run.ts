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
import { runGlftOptimized } from "./baselines/glft-float-optimized.js";
import { runGridOptimized } from "./baselines/grid-float-optimized.js";
import { benchRows, formatTable, measureInterleaved, type Measurement } from "./measure.js";
import { benchRecordingRead } from "./recording-read.js";

/**
 * Each example's compiled strategy (TypeScript and WebAssembly, per event and in batches) against a
 * hand-written float baseline of the same model, in one run, on 10^6 events replayed from the bundled
 * BTC/USDT excerpt, the rows timed round-robin (measureInterleaved). Ratios to the hand-optimized float
 * step, not absolute times, are the result.
 * `--json OUT.json` also writes every row as { example, row, ns_per_event, ratio }.
 */
const EVENTS = Number(process.env.LOCKSTEP_BENCH_EVENTS ?? 1_000_000);
const EXCERPT = "examples/data/btcusdt-20240808-excerpt.jsonl.gz";
/** Events per batch call: the size of a feed ring's drain. */
const BATCH = 4096;

interface Example {
  readonly name: string;
  readonly handFloat: (tape: EventTape) => number;
  readonly idiomatic?: (tape: EventTape) => number;
}

const EXAMPLES: readonly Example[] = [
  { name: "avellaneda", handFloat: runOptimized, idiomatic: runIdiomatic },
  { name: "glft", handFloat: runGlftOptimized },
  { name: "grid", handFloat: runGridOptimized },
];

/** Replays the tape one step() call per event; the checksum of the first quote keeps the work observable. */
function replay<P>(engine: { reset(p: P): void; step(k: number, t: number, a: number, b: number, c: number, d: number): boolean; readonly outputs: Float64Array }, params: P, tape: EventTape): number {
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

/** The TypeScript batch path: BATCH rows per stepBatch call, outputs read from the output rows. */
function replayTsBatches(engine: TsEngine, params: ArrayLike<number>, records: Float64Array): number {
  engine.reset(params);
  const events = records.length / RECORD_SIZE;
  const width = engine.outputs.length;
  const out = new Float64Array(BATCH * width);
  let checksum = 0;
  for (let first = 0; first < events; first += BATCH) {
    const count = Math.min(BATCH, events - first);
    engine.stepBatch(records, first, count, out);
    for (let i = 0; i < count; i++) if (out[i * width] !== 0) checksum += out[i * width + 1] + out[i * width + 2];
  }
  return checksum;
}

/** The WebAssembly batch path: events already in linear memory (as a feed ring puts them), BATCH per call. */
function replayWasmBatches(engine: WasmEngine, params: readonly bigint[], events: number): number {
  engine.reset(params);
  const width = engine.outputs.length;
  let checksum = 0;
  for (let first = 0; first < events; first += BATCH) {
    const count = Math.min(BATCH, events - first);
    engine.stepInPlace(first, count);
    const out = engine.batchOutputs;
    for (let i = 0; i < count; i++) if (out[i * width] !== 0) checksum += out[i * width + 1] + out[i * width + 2];
  }
  return checksum;
}

async function benchExample(ex: Example, tape: EventTape): Promise<Measurement[]> {
  const path = `examples/${ex.name}.lstep`;
  const c = compileSource(path, readFileSync(path, "utf8"));
  if (!c.ir) throw new Error(`${path} does not compile`);
  const engine = new (await loadTsModule(await emitTypeScript(c.ir))).Engine();
  const vector = parameterVector(c.ir, c.ir.params.map((p) => p.default));
  const params = vector.map(Number);
  const wasm = await loadWasm((await emitWasm(c.ir)).wasm);
  const records = tapeToRecords(tape);
  wasm.reserveBatch(tape.length, BATCH);
  wasm.batchEvents.set(records);
  const timed: { name: string; fn: () => number }[] = [{ name: "hand-float", fn: () => ex.handFloat(tape) }];
  if (ex.idiomatic) timed.push({ name: "idiomatic", fn: () => ex.idiomatic!(tape) });
  timed.push(
    { name: "compiled-ts", fn: () => replay<ArrayLike<number>>(engine, params, tape) },
    { name: "compiled-ts-batch", fn: () => replayTsBatches(engine, params, records) },
    { name: "compiled-wasm", fn: () => replay<readonly bigint[]>(wasm, vector, tape) },
    { name: "compiled-wasm-batch", fn: () => replayWasmBatches(wasm, vector, tape.length) },
  );
  const rows = (await measureInterleaved(timed, tape.length)).map((m) => ({ ...m, example: ex.name }));
  // a tape that gives the strategy nothing to quote would time the rejection path only
  for (const r of rows) if (r.checksum === 0) throw new Error(`${ex.name}: ${r.name} quoted nothing on this tape`);
  if (new Set(rows.filter((r) => r.name.startsWith("compiled")).map((r) => r.checksum)).size !== 1)
    throw new Error(`${ex.name}: the compiled entry points disagree`);
  return rows;
}

async function main(): Promise<void> {
  const at = process.argv.indexOf("--json");
  const jsonOut = at >= 0 ? process.argv[at + 1] : undefined;
  if (at >= 0 && !jsonOut) throw new Error("--json needs a file name: npm run bench -- --json OUT.json");
  const all: Measurement[] = [];
  process.stdout.write(`${EVENTS} events (${EXCERPT} replayed), node ${process.version}\n`);
  // one tape for every example: the excerpt's prices in 0.01 ticks and sizes in 0.00001 lots, read as each
  // instrument's ticks and lots (all within every example's declared ranges); converting at an instrument's
  // own coarser steps would refuse the prices that are not on them
  const tape = repeatTape(readBinanceJsonlGz(EXCERPT, { tick: "0.01", lot: "0.00001" }).tape, EVENTS);
  for (const ex of EXAMPLES) {
    const rows = await benchExample(ex, tape);
    all.push(...rows);
    process.stdout.write(`\n${ex.name}\n${formatTable(rows, "hand-float")}\n`);
  }
  mkdirSync("build", { recursive: true });
  writeFileSync("build/bench.json", JSON.stringify({ events: EVENTS, node: process.version, rows: all }, null, 2));
  if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify(benchRows(all, "hand-float"), null, 2)}\n`);
  process.stdout.write(`\n${await benchRecordingRead()}\n`);
}

await main();
