import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { parameterVector } from "../../compiler/derived-eval.js";
import type { IrProgram } from "../../compiler/ir.js";
import { compileSource } from "../../compiler/pipeline.js";
import { runBacktest, type BacktestConfig, type BacktestResult } from "../../runtime/backtest/backtest.js";
import { Ledger } from "../../runtime/backtest/ledger.js";
import { allocateTape, EventKind, type EventTape } from "../../runtime/event-tape.js";
import { constantLatency } from "../../runtime/exchange/latency.js";
import { Liquidity, RecordType } from "../../runtime/log/log-format.js";
import { LogReader } from "../../runtime/log/log-reader.js";
import { encodeHeader, LogWriter, memorySink, programHash } from "../../runtime/log/log-writer.js";
import { outputLayout, type OutputLayout } from "../../runtime/orders/output-layout.js";
import type { StrategyEngine } from "../../runtime/orders/strategy-engine.js";
import { emitTypeScript } from "../../targets/ts/emit-ts.js";
import { loadTsModule, type TsEngine } from "../../targets/ts/load-module.js";
import { emitWasm } from "../../targets/wasm/emit-wasm.js";
import { loadWasm, type WasmEngine } from "../../targets/wasm/load-wasm.js";

const SOURCE = fileURLToPath(new URL("./fixtures/join.lstep", import.meta.url));
const TEXT = readFileSync(SOURCE, "utf8");

let ir: IrProgram;
let layout: OutputLayout;
let params: bigint[];
let ts: TsEngine;
let wasm: WasmEngine;
let positionSlot: number;

beforeAll(async () => {
  ir = compileSource(SOURCE, TEXT).ir!;
  const l = outputLayout(ir.outputs.map((o) => o.name));
  if ("error" in l) throw new Error(l.error);
  layout = l;
  params = parameterVector(ir, ir.params.map((p) => p.default));
  ts = new (await loadTsModule(await emitTypeScript(ir))).Engine();
  wasm = await loadWasm((await emitWasm(ir)).wasm);
  positionSlot = ir.state.findIndex((s) => s.name === "position");
}, 60_000);

/**
 * A market around 1,000 ticks: each step moves the book by up to two ticks or prints a trade within two
 * ticks of the best price on the aggressor's side (on either side of it: recorded trades and books are
 * not always consistent); times 1 µs to 2 ms apart.
 */
const market = fc
  .array(
    fc.record({
      trade: fc.boolean(),
      move: fc.integer({ min: -2, max: 2 }),
      spread: fc.integer({ min: 1, max: 3 }),
      qty: fc.integer({ min: 1, max: 40 }),
      other: fc.integer({ min: 0, max: 40 }),
      aggressor: fc.constantFrom(1, -1),
      offset: fc.integer({ min: -2, max: 2 }),
      dt: fc.integer({ min: 1_000, max: 2_000_000 }),
    }),
    { minLength: 2, maxLength: 150 },
  )
  .map((steps) => {
    const tp = allocateTape(steps.length + 1);
    let bid = 1_000;
    let ask = 1_001;
    let t = 0;
    tp.kind[0] = EventKind.book;
    [tp.a[0], tp.b[0], tp.c[0], tp.d[0]] = [bid, 20, ask, 20];
    steps.forEach((s, j) => {
      const i = j + 1;
      t += s.dt;
      tp.t[i] = t;
      if (s.trade) {
        tp.kind[i] = EventKind.trade;
        tp.a[i] = (s.aggressor > 0 ? ask : bid) + s.offset;
        [tp.b[i], tp.c[i]] = [s.qty, s.aggressor];
      } else {
        bid += s.move;
        ask = bid + s.spread;
        tp.kind[i] = EventKind.book;
        [tp.a[i], tp.b[i], tp.c[i], tp.d[i]] = [bid, s.qty, ask, s.other];
      }
    });
    return tp;
  });

const settings = fc.record({
  probabilistic: fc.boolean(),
  postOnly: fc.boolean(),
  feed: fc.integer({ min: 0, max: 300_000 }),
  order: fc.integer({ min: 0, max: 3_000_000 }),
  makerFeeBps: fc.constantFrom(0, 1, -0.5, 2.5),
  takerFeeBps: fc.constantFrom(0, 4, 7.5),
});

function config(s: { probabilistic: boolean; postOnly: boolean; feed: number; order: number; makerFeeBps: number; takerFeeBps: number }): BacktestConfig {
  return {
    queue: s.probabilistic ? { kind: "probabilistic", power: 2 } : { kind: "conservative" },
    postOnly: s.postOnly,
    makerFeeBps: s.makerFeeBps,
    takerFeeBps: s.takerFeeBps,
    latency: constantLatency(s.feed, s.order),
  };
}

/** One backtest with its log, on a freshly reset engine. */
function run(engine: "ts" | "wasm", tape: EventTape, cfg: BacktestConfig): { result: BacktestResult; log: Uint8Array; position: number } {
  const mem = memorySink();
  const header = encodeHeader(programHash(TEXT), { program: ir.name, source: "join.lstep", instrument: { name: "T", tick: "1", lot: "1" }, outputs: ir.outputs.map((o) => o.name), data: "generated", simulator: {} });
  const writer = new LogWriter(mem.sink, header);
  let e: StrategyEngine;
  if (engine === "ts") {
    ts.reset(params.map(Number));
    e = ts;
  } else {
    wasm.reset(params);
    e = wasm;
  }
  const result = runBacktest(e, layout, tape, undefined, cfg, { riskCheck: true, log: writer });
  writer.flush();
  const position = engine === "ts" ? ts.state[positionSlot] : Number(wasm.state(positionSlot));
  return { result, log: mem.bytes(), position };
}

describe("backtest properties on generated markets (join.lstep, TS and WASM engines)", () => {
  it("TS and WASM give the same log byte for byte, and the same run twice gives the same bytes", () => {
    fc.assert(
      fc.property(market, settings, (tape, s) => {
        const a = run("wasm", tape, config(s));
        const b = run("ts", tape, config(s));
        const c = run("wasm", tape, config(s));
        expect(Buffer.compare(a.log, b.log)).toBe(0);
        expect(Buffer.compare(a.log, c.log)).toBe(0);
      }),
      { numRuns: 60, seed: 9 },
    );
  });

  it("keeps cash + inventory x mark across every fill up to its fee, and the engine's position equal to the fills'", () => {
    let fills = 0;
    fc.assert(
      fc.property(market, settings, (tape, s) => {
        const { result, log, position } = run("wasm", tape, config(s));
        const r = new LogReader(log);
        const replay = new Ledger();
        for (let i = 0; i < r.length; i++) {
          if (r.type(i) !== RecordType.fill) continue;
          fills++;
          const [price, qty, side, fee] = [r.field(i, 0), r.field(i, 1), r.field(i, 2), r.field(i, 3)];
          // marked at the fill's own price, the trade moves value from cash to inventory and back: only the fee is lost
          const before = replay.cash + replay.position * price;
          const markedBefore = replay.marked(price);
          replay.apply(price, qty, side, fee, r.aux(i) === Liquidity.taker);
          expect(replay.cash + replay.position * price).toBe(before);
          expect(replay.marked(price)).toBeCloseTo(markedBefore - fee, 9);
        }
        // every fill the exchange made reached the strategy before the session ended, or is still in flight
        if (result.inFlight === 0) {
          expect(result.ledger.position).toBe(replay.position);
          expect(result.ledger.cash).toBe(replay.cash);
          expect(position).toBe(result.ledger.position);
        }
        // realized (average cost) + unrealized = marked value, fees apart
        const L = result.ledger;
        const mark = result.mid;
        const unrealized = L.position * (mark - L.averageCost);
        expect(L.realized + unrealized).toBeCloseTo(L.cash + L.position * mark, 6);
      }),
      { numRuns: 80, seed: 11 },
    );
    expect(fills).toBeGreaterThan(100); // the property saw real fills, not empty runs
  });

  it("never fills without a trade or a book move at the exchange that reaches the order's price", () => {
    let checked = 0;
    fc.assert(
      fc.property(market, settings, (tape, s) => {
        const cfg = config({ ...s, postOnly: true }); // only maker fills: a taker fill crosses by construction
        const { log } = run("ts", tape, cfg);
        const r = new LogReader(log);
        for (let i = 0; i < r.length; i++) {
          if (r.type(i) !== RecordType.fill) continue;
          checked++;
          const [t, price, side] = [r.t(i), r.field(i, 0), r.field(i, 2)];
          let reached = false;
          for (let j = 0; j < tape.length && !reached; j++) {
            if (tape.t[j] - s.feed !== t) continue;
            if (tape.kind[j] === EventKind.trade)
              reached = tape.c[j] === -side && (side > 0 ? tape.a[j] <= price : tape.a[j] >= price);
            else if (tape.kind[j] === EventKind.book) reached = side > 0 ? tape.c[j] <= price : tape.a[j] >= price;
          }
          expect(reached, `fill at t=${t} px ${price} side ${side}`).toBe(true);
        }
      }),
      { numRuns: 80, seed: 13 },
    );
    expect(checked).toBeGreaterThan(100);
  });

  it("counts risk rejects by reason: the message rate and the position limit refuse orders on a busy market", () => {
    const totals = new Float64Array(16);
    fc.assert(
      fc.property(market, settings, (tape, s) => {
        const { result, log } = run("ts", tape, config(s));
        const r = new LogReader(log);
        let refused = 0;
        for (let i = 0; i < r.length; i++) if (r.type(i) === RecordType.verdict && r.aux(i) === 0) refused++;
        expect(result.orders.rejects.reduce((a, b) => a + b, 0) + result.orders.invalidOrders).toBe(refused);
        result.orders.rejects.forEach((n, k) => (totals[k] += n));
      }),
      { numRuns: 60, seed: 17 },
    );
    expect(totals[7]).toBeGreaterThan(0); // message_rate
    expect(totals[3]).toBeGreaterThan(0); // position
  });
});
