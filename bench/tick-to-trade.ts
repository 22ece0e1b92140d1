import { backtestFixture } from "./backtest-fixture.js";
import type { Histogram } from "hdr-histogram-js";
import { runBacktest } from "../runtime/backtest/backtest.js";
import { constantLatency } from "../runtime/exchange/latency.js";
import { formatNs } from "../runtime/latency/render-latency.js";
import { discardSink, latencyFigures, latencyHistogram, TickToTrade } from "../runtime/latency/tick-to-trade.js";
import { encodeHeader, programHash } from "../runtime/log/log-writer.js";
import { emitWasm } from "../targets/wasm/emit-wasm.js";
import { loadWasm } from "../targets/wasm/load-wasm.js";
import { binanceLines, IdiomaticTrader } from "./baselines/tick-to-trade-idiomatic.js";

/**
 * Tick-to-trade in one thread, per market event that sends an order: the compiled Avellaneda–Stoikov
 * strategy in the backtest loop (a decoded row in, the strategy's step, the order manager and the
 * program's risk check, the first order action out; the log writer in the loop with nowhere to write),
 * against an idiomatic service in the same run (the same events as Binance JSON text, JSON.parse,
 * objects per event, a risk check on objects, JSON.stringify of the order). Same clock, same rule:
 * events that send nothing give no sample. The clock's own cost is measured too.
 */
const EVENTS = Number(process.env.LOCKSTEP_BENCH_EVENTS ?? 1_000_000);
const EXCERPT = "examples/data/btcusdt-20240808-excerpt.jsonl.gz";
const SOURCE = "examples/avellaneda.lstep";
const ROUNDS = 3;

async function main(): Promise<void> {
  const { tape, text, ir, layout, vector } = backtestFixture(EVENTS);
  const wasm = await loadWasm((await emitWasm(ir)).wasm);
  const header = encodeHeader(programHash(text), { program: ir.name, source: SOURCE, instrument: { name: "", tick: "", lot: "" }, outputs: [], data: EXCERPT, simulator: {} });
  const config = { queue: { kind: "conservative" } as const, postOnly: true, makerFeeBps: -0.5, takerFeeBps: 4, latency: constantLatency(0, 1_000_000) };
  const lines = binanceLines(tape);

  const compiled = (into: Histogram) => {
    wasm.reset(vector);
    const probe = new TickToTrade();
    runBacktest(probe.engine(wasm), layout, tape, undefined, config, { riskCheck: true, log: probe.writer(discardSink, header, false) });
    into.add(probe.histogram);
  };
  const idiomatic = (into: Histogram) => {
    const trader = new IdiomaticTrader();
    for (let i = 0; i < lines.length; i++) {
      const start = performance.now();
      if (trader.onMessage(lines[i], tape.t[i]) !== null) into.recordValue(Math.max(1, Math.round((performance.now() - start) * 1e6)));
    }
  };
  const clock = (into: Histogram) => {
    for (let i = 0; i < tape.length; i++) {
      const start = performance.now();
      into.recordValue(Math.max(1, Math.round((performance.now() - start) * 1e6)));
    }
  };
  const rows = [
    { name: "compiled (WASM) in the backtest loop: row in → order action out", run: compiled, h: latencyHistogram() },
    { name: "idiomatic TS: JSON text in → JSON order bytes out (baseline)", run: idiomatic, h: latencyHistogram() },
    { name: "the clock alone (two performance.now() reads)", run: clock, h: latencyHistogram() },
  ];
  for (const r of rows) r.run(latencyHistogram()); // warm-up: the JIT has seen every path
  for (let k = 0; k < ROUNDS; k++) for (const r of rows) r.run(r.h);
  const base = latencyFigures(rows[1].h);
  process.stdout.write(`tick-to-trade, one thread, ${tape.length} events × ${ROUNDS} rounds (${EXCERPT} looped), node ${process.version}\n`);
  process.stdout.write(`${"".padEnd(66)}  ${["samples", "p50", "p99", "p99.9", "max", "baseline p99 / p99"].map((s, i) => s.padStart(i < 5 ? 10 : 20)).join("")}\n`);
  for (const r of rows) {
    const f = latencyFigures(r.h);
    const cells = [f.samples.toString(), formatNs(f.p50Ns), formatNs(f.p99Ns), formatNs(f.p999Ns), formatNs(f.maxNs), `${(base.p99Ns / f.p99Ns).toFixed(2)}×`];
    process.stdout.write(`${r.name.padEnd(66)}  ${cells.map((s, i) => s.padStart(i < 5 ? 10 : 20)).join("")}\n`);
  }
  process.stdout.write(`goal: p99 ≤ 1 µs for the compiled path\n`);
}

await main();
