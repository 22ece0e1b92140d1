import { backtestFixture } from "./backtest-fixture.js";
import { runBacktest, type BacktestConfig } from "../runtime/backtest/backtest.js";
import type { EventTape } from "../runtime/event-tape.js";
import { constantLatency } from "../runtime/exchange/latency.js";
import { encodeHeader, LogWriter, programHash } from "../runtime/log/log-writer.js";
import type { StrategyEngine } from "../runtime/orders/strategy-engine.js";
import { emitTypeScript } from "../targets/ts/emit-ts.js";
import { loadTsModule } from "../targets/ts/load-module.js";
import { emitWasm } from "../targets/wasm/emit-wasm.js";
import { loadWasm } from "../targets/wasm/load-wasm.js";
import { formatTable, measure, type Measurement } from "./measure.js";

/**
 * Backtest throughput: the bundled BTC/USDT excerpt looped to 10^6 events through the compiled
 * Avellaneda–Stoikov strategy, its order manager and risk check, and the exchange simulator. The
 * baseline, in the same run, is the strategy alone on the same events (the engine's step and nothing
 * else): the ratio is what the runtime around the strategy costs.
 */
const EVENTS = Number(process.env.LOCKSTEP_BENCH_EVENTS ?? 1_000_000);
const EXCERPT = "examples/data/btcusdt-20240808-excerpt.jsonl.gz";
const SOURCE = "examples/avellaneda.lstep";

function strategyAlone(engine: StrategyEngine, reset: () => void, tape: EventTape): number {
  reset();
  const { kind, t, a, b, c, d } = tape;
  let checksum = 0;
  for (let i = 0; i < tape.length; i++) {
    engine.step(kind[i], t[i], a[i], b[i], c[i], d[i]);
    if (engine.outputs[0] !== 0) checksum += engine.outputs[1];
  }
  return checksum;
}

async function main(): Promise<void> {
  const { tape, text, ir, layout, vector } = backtestFixture(EVENTS);
  const ts = new (await loadTsModule(await emitTypeScript(ir))).Engine();
  const wasm = await loadWasm((await emitWasm(ir)).wasm);
  const resetWasm = () => wasm.reset(vector);
  const resetTs = () => ts.reset(vector.map(Number));
  const config = (probabilistic: boolean): BacktestConfig => ({
    queue: probabilistic ? { kind: "probabilistic", power: 2 } : { kind: "conservative" },
    postOnly: true,
    makerFeeBps: -0.5,
    takerFeeBps: 4,
    latency: constantLatency(0, 1_000_000),
  });
  let logBytes = 0;
  let stepsPerEvent = 0;
  const backtest = (engine: StrategyEngine, reset: () => void, probabilistic: boolean, log: boolean) => () => {
    reset();
    if (log) logBytes = 0;
    const writer = log ? new LogWriter((b) => (logBytes += b.length), encodeHeader(programHash(text), { program: ir.name, source: SOURCE, instrument: { name: "", tick: "", lot: "" }, outputs: [], data: EXCERPT, simulator: {} })) : undefined;
    const r = runBacktest(engine, layout, tape, undefined, config(probabilistic), { riskCheck: true, log: writer });
    writer?.flush();
    const o = r.orders;
    const riskChecks = o.sent.new + o.sent.replace + o.rejects.reduce((x, y) => x + y, 0) + o.invalidOrders;
    stepsPerEvent = (r.events + riskChecks + r.ledger.fills) / r.events;
    return r.ledger.fills * 1e6 + r.ledger.position + r.orders.sent.replace;
  };
  const rows: Measurement[] = [];
  const opts = { warmup: 2, reps: 5 };
  rows.push(await measure("strategy alone, WASM step (baseline)", () => strategyAlone(wasm, resetWasm, tape), tape.length, opts));
  rows.push(await measure("backtest, WASM, conservative queue", backtest(wasm, resetWasm, false, false), tape.length, opts));
  rows.push(await measure("backtest, WASM, probabilistic queue", backtest(wasm, resetWasm, true, false), tape.length, opts));
  rows.push(await measure("backtest, WASM, conservative, binary log", backtest(wasm, resetWasm, false, true), tape.length, opts));
  rows.push(await measure("backtest, TS, conservative queue", backtest(ts, resetTs, false, false), tape.length, opts));
  if (rows[1].checksum !== rows[4].checksum) throw new Error("the TS and WASM backtests disagree");
  const table = formatTable(rows, "strategy alone, WASM step (baseline)");
  const rates = rows.map((r) => `${r.name}: ${(1e3 / r.nsPerEvent).toFixed(2)} M events/s`).join("\n");
  process.stdout.write(`${tape.length} events (${EXCERPT} looped, from memory), node ${process.version}\n${table}\n${rates}\n`);
  // the floor: every market event is a step, and so is every risk check and every fill
  process.stdout.write(`engine steps per market event in the backtest (event, risk checks, fills): ${stepsPerEvent.toFixed(2)}; log ${(logBytes / 1e6).toFixed(1)} MB per run\n`);
}

await main();
