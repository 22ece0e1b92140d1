import { describe, expect, it } from "vitest";
import { runBacktest } from "../../runtime/backtest/backtest.js";
import { allocateTape, EventKind, type EventTape } from "../../runtime/event-tape.js";
import { allocateDepthTape } from "../../runtime/feed/depth-tape.js";
import { ExchangeSim, type ExchangeConfig, type ExchangePort } from "../../runtime/exchange/exchange-sim.js";
import { constantLatency, latencyAt, parseLatencyCsv } from "../../runtime/exchange/latency.js";
import { MessageQueue } from "../../runtime/backtest/message-queue.js";
import { aheadAfterLevelChange } from "../../runtime/exchange/queue-model.js";
import { ReplyKind } from "../../runtime/log/log-format.js";
import type { OutputLayout } from "../../runtime/orders/output-layout.js";

/** Every message the exchange sends, in order. */
function recorder() {
  const out: string[] = [];
  const port: ExchangePort = {
    reply: (kind, slot, id, t, price, leaves) => out.push(`reply ${Object.entries(ReplyKind).find(([, v]) => v === kind)![0]} slot ${slot} id ${id} t ${t} px ${price} leaves ${leaves}`),
    fill: (slot, id, t, price, qty, side, liq, fee, leaves) => out.push(`fill slot ${slot} id ${id} t ${t} px ${price} qty ${qty} side ${side} ${liq ? "taker" : "maker"} fee ${fee} leaves ${leaves}`),
  };
  return { out, port };
}

const CONSERVATIVE: ExchangeConfig = { queue: { kind: "conservative" }, postOnly: true, makerFeeBps: 0, takerFeeBps: 0 };

describe("the exchange simulator on hand-worked scenarios", () => {
  it("puts a new order behind the level and fills it only after the queue ahead has traded (partial fills)", () => {
    const { out, port } = recorder();
    const sim = new ExchangeSim(CONSERVATIVE, 2, port, false);
    sim.onBook(0, 100, 30, 101, 40);
    sim.submit(1, 0, 7, 1, 100, 5); // joins the bid: 30 lots ahead of our 5
    expect(sim.ahead[0]).toBe(30);
    sim.onTrade(2, 100, 20, -1); // 20 of the 30 ahead trade: 10 left ahead, no fill
    expect(sim.ahead[0]).toBe(10);
    sim.onTrade(3, 100, 12, 1); // a buyer lifting at 100 does not touch a resting bid
    expect(sim.ahead[0]).toBe(10);
    sim.onTrade(4, 100, 12, -1); // 10 ahead, then 2 of ours: a partial fill, 3 left
    sim.onTrade(5, 100, 9, -1); // nothing ahead: 3 of the 9 fill us, the order is done
    expect(out).toEqual([
      "reply accepted slot 0 id 7 t 1 px 100 leaves 5",
      "fill slot 0 id 7 t 4 px 100 qty 2 side 1 maker fee 0 leaves 3",
      "fill slot 0 id 7 t 5 px 100 qty 3 side 1 maker fee 0 leaves 0",
    ]);
    expect(sim.live[0]).toBe(0);
  });

  it("fills everything left when a trade goes through our price or the opposite side reaches it", () => {
    const { out, port } = recorder();
    const sim = new ExchangeSim(CONSERVATIVE, 2, port, false);
    sim.onBook(0, 100, 30, 101, 40);
    sim.submit(1, 0, 1, 1, 100, 5); // bid 5 @ 100, 30 ahead
    sim.submit(1, 1, 2, -1, 101, 4); // ask 4 @ 101, 40 ahead
    sim.onTrade(2, 99, 1, -1); // a seller reached 99: every bid at 100 was taken first, ours included
    sim.onBook(3, 102, 5, 103, 9); // the bid rose to 102 >= our ask at 101: we were sold to at 101
    expect(out.slice(2)).toEqual([
      "fill slot 0 id 1 t 2 px 100 qty 5 side 1 maker fee 0 leaves 0",
      "fill slot 1 id 2 t 3 px 101 qty 4 side -1 maker fee 0 leaves 0",
    ]);
  });

  it("never fills without a trade or book move reaching the price: a move away and back is no fill", () => {
    const { out, port } = recorder();
    const sim = new ExchangeSim(CONSERVATIVE, 2, port, false);
    sim.onBook(0, 100, 30, 101, 40);
    sim.submit(1, 0, 1, 1, 100, 5);
    sim.onBook(2, 100, 12, 101, 40); // level shrank by cancels: at most 12 can be ahead now
    expect(sim.ahead[0]).toBe(12);
    sim.onBook(3, 100, 50, 101, 40); // 38 joined behind us
    expect(sim.ahead[0]).toBe(12);
    sim.onTrade(4, 101, 100, 1); // buyers at the ask: not our side
    sim.onBook(5, 99, 10, 101, 3); // the bid fell below us (ask still above): we are alone at 100
    expect(sim.ahead[0]).toBe(0);
    expect(out).toEqual(["reply accepted slot 0 id 1 t 1 px 100 leaves 5"]);
  });

  it("refuses a crossing post-only order, and lets a taker order take the best level at the taker fee", () => {
    const post = recorder();
    const sim = new ExchangeSim(CONSERVATIVE, 2, post.port, false);
    sim.onBook(0, 100, 30, 101, 40);
    sim.submit(1, 0, 3, 1, 101, 5); // a bid at the ask would take liquidity
    expect(post.out).toEqual(["reply postOnlyReject slot 0 id 3 t 1 px 101 leaves 5"]);
    expect(sim.live[0]).toBe(0);

    const taker = recorder();
    const sim2 = new ExchangeSim({ ...CONSERVATIVE, postOnly: false, makerFeeBps: 2, takerFeeBps: 5 }, 2, taker.port, false);
    sim2.onBook(0, 100, 30, 101, 4);
    sim2.submit(1, 0, 3, 1, 102, 6); // takes the 4 at the ask, 101 x 4 x 5 bps = 0.202; 2 expire
    expect(taker.out).toEqual(["fill slot 0 id 3 t 1 px 101 qty 4 side 1 taker fee 0.202 leaves 2", "reply expired slot 0 id 3 t 1 px 102 leaves 2"]);
  });

  it("charges the maker fee in basis points of price x qty, a rebate when negative", () => {
    const { out, port } = recorder();
    const sim = new ExchangeSim({ ...CONSERVATIVE, makerFeeBps: 2 }, 2, port, false);
    sim.onBook(0, 100, 0, 101, 40); // an empty bid level at 100: nothing ahead
    sim.submit(1, 0, 1, 1, 100, 8);
    sim.onTrade(2, 100, 3, -1); // 100 x 3 x 2 / 10^4 = 0.06
    expect(out[1]).toBe("fill slot 0 id 1 t 2 px 100 qty 3 side 1 maker fee 0.06 leaves 5");
    const rebate = recorder();
    const sim2 = new ExchangeSim({ ...CONSERVATIVE, makerFeeBps: -1 }, 2, rebate.port, false);
    sim2.onBook(0, 100, 0, 101, 40);
    sim2.submit(1, 0, 1, 1, 100, 8);
    sim2.onTrade(2, 100, 8, -1); // 100 x 8 x -1 / 10^4 = -0.08
    expect(rebate.out[1]).toBe("fill slot 0 id 1 t 2 px 100 qty 8 side 1 maker fee -0.08 leaves 0");
  });

  it("knows the queue of a deeper order with depth (L2) and learns it only at the touch with L1", () => {
    const l1 = recorder();
    const a = new ExchangeSim(CONSERVATIVE, 2, l1.port, false);
    a.onBook(0, 100, 30, 101, 40);
    a.submit(1, 0, 1, 1, 98, 5); // two ticks below the best: L1 does not know the level
    expect(a.ahead[0]).toBe(Infinity);
    a.onTrade(2, 98, 50, -1); // a trade at 98 with an unknown queue: no fill (conservative)
    a.onBook(3, 98, 7, 99, 40); // 98 is the best bid now: the 7 lots there are ahead of us
    expect(a.ahead[0]).toBe(7);
    expect(l1.out).toHaveLength(1);

    const l2 = recorder();
    const b = new ExchangeSim(CONSERVATIVE, 2, l2.port, true);
    b.onBook(0, 100, 30, 101, 40);
    b.onDepth(1, 98, 12, false);
    b.submit(1, 0, 1, 1, 98, 5);
    expect(b.ahead[0]).toBe(12);
    b.onDepth(1, 98, 4, false); // the level shrank to 4: at most 4 ahead
    expect(b.ahead[0]).toBe(4);
    b.onTrade(2, 98, 6, -1); // 4 ahead then 2 of ours
    expect(l2.out[1]).toBe("fill slot 0 id 1 t 2 px 98 qty 2 side 1 maker fee 0 leaves 3");
  });

  it("moves the queue by the probabilistic model on a level that shrinks without trades", () => {
    // 10 ahead of us, 20 behind, the level loses 10: with f(x) = x^2 the share behind is
    // 400 / (400 + 100) = 0.8, so 2 of the 10 came from ahead: 10 - 0.2 x 10 + min(20 - 8, 0) = 8
    expect(aheadAfterLevelChange({ kind: "probabilistic", power: 2 }, 10, 30, 20, 0)).toBe(8);
    expect(aheadAfterLevelChange({ kind: "conservative" }, 10, 30, 20, 0)).toBe(10);
    // a decrease explained by trades already counted moves nothing more
    expect(aheadAfterLevelChange({ kind: "probabilistic", power: 2 }, 10, 30, 20, 10)).toBe(10);
    // a level that grows: what joins is behind us
    expect(aheadAfterLevelChange({ kind: "probabilistic", power: 2 }, 10, 30, 45, 0)).toBe(10);
  });
});

/**
 * A stand-in strategy: on every book event it quotes level 0 at fixed prices, and accepts every order.
 * Like a compiled strategy it holds its quote across the events that do not quote (quote_valid = 0 would
 * be a cancel).
 */
function fixedQuoter(bid: number, ask: number, qty: number) {
  const outputs = new Float64Array(8);
  const layout: OutputLayout = { levels: [{ valid: 0, bid: 1, ask: 2, bidQty: 3, askQty: 4 }], accept: 5, reason: 6, haltReason: 7, timerAt: -1 };
  const fills: string[] = [];
  const engine = {
    outputs,
    step(kind: number, t: number, a: number, b: number, c: number) {
      outputs[5] = 0;
      outputs[6] = 0;
      if (kind === EventKind.book) outputs.set([1, bid, ask, qty, qty], 0);
      if (kind === EventKind.order) outputs[5] = 1;
      if (kind === EventKind.fill) fills.push(`t ${t} px ${a} qty ${b} side ${c}`);
      return true;
    },
  };
  return { engine, layout, fills };
}

function tape(rows: [number, number, number, number, number, number][]): EventTape {
  const tp = allocateTape(rows.length);
  rows.forEach(([k, t, a, b, c, d], i) => {
    tp.kind[i] = k;
    tp.t[i] = t;
    tp.a[i] = a;
    tp.b[i] = b;
    tp.c[i] = c;
    tp.d[i] = d;
  });
  return tp;
}

describe("latency in the backtest loop", () => {
  // t = 0: book 100 x 30 / 101 x 40; the strategy bids 5 @ 100 and offers 5 @ 105.
  // t = 0.5 ms: a seller takes 40 lots at 100. t = 2 ms: the last book event ends the session.
  const rows: [number, number, number, number, number, number][] = [
    [EventKind.book, 0, 100, 30, 101, 40],
    [EventKind.trade, 500_000, 100, 40, -1, 0],
    [EventKind.book, 2_000_000, 100, 30, 101, 40],
  ];
  const config = (order: number) => ({ ...CONSERVATIVE, latency: constantLatency(0, order) });

  it("fills an order that reached the exchange before the trade: 30 ahead, then our 5 of the 40", () => {
    const q = fixedQuoter(100, 105, 5);
    // the order arrives at 0.1 ms; the trade at 0.5 ms fills 5; the fill reaches the strategy at 0.6 ms
    const r = runBacktest(q.engine, q.layout, tape(rows), undefined, config(100_000), { riskCheck: true });
    expect(q.fills).toEqual(["t 600000 px 100 qty 5 side 1"]);
    expect(r.ledger.position).toBe(5);
    expect(r.ledger.cash).toBe(-500);
  });

  it("does not fill an order the latency delays past the trade", () => {
    const q = fixedQuoter(100, 105, 5);
    // the order reaches the exchange at 1 ms, after the trade at 0.5 ms: 30 lots are ahead again, no fill
    const r = runBacktest(q.engine, q.layout, tape(rows), undefined, config(1_000_000), { riskCheck: true });
    expect(q.fills).toEqual([]);
    expect(r.ledger.fills).toBe(0);
    expect(r.orders.sent.new).toBe(2);
  });
});

describe("depth (L2) rows in the backtest loop", () => {
  // t = 0: book 100 x 30 / 101 x 40 and a depth row: 4 lots bid at 98. The strategy bids 5 @ 98.
  // t = 2 ms: a seller takes 10 lots at 98.
  const rows: [number, number, number, number, number, number][] = [
    [EventKind.book, 0, 100, 30, 101, 40],
    [EventKind.trade, 2_000_000, 98, 10, -1, 0],
    [EventKind.book, 3_000_000, 100, 30, 101, 40],
  ];
  const config = { ...CONSERVATIVE, latency: constantLatency(0, 100_000) };

  it("knows the 4 lots ahead from the depth row: the trade's other 6 fill our 5", () => {
    const depth = allocateDepthTape(1);
    [depth.t[0], depth.side[0], depth.price[0], depth.qty[0]] = [0, 1, 98, 4];
    const q = fixedQuoter(98, 105, 5);
    runBacktest(q.engine, q.layout, tape(rows), depth, config, { riskCheck: true });
    expect(q.fills).toEqual(["t 2100000 px 98 qty 5 side 1"]);
  });

  it("with the book alone, the queue at 98 is unknown and the same trade fills nothing", () => {
    const q = fixedQuoter(98, 105, 5);
    runBacktest(q.engine, q.layout, tape(rows), undefined, config, { riskCheck: true });
    expect(q.fills).toEqual([]);
  });
});

describe("latencies read from a file", () => {
  it("takes the last sample at or before the time, and keeps messages in order on the connection", () => {
    const model = parseLatencyCsv("# measured\nt,feed,entry,response\n0,10,3000000,20\n1000000,11,100,21\n");
    if ("errors" in model) throw new Error(model.errors[0].message);
    expect([latencyAt(model, "entry", 0), latencyAt(model, "entry", 999_999), latencyAt(model, "entry", 1_000_000), latencyAt(model, "response", 5e9)]).toEqual([3_000_000, 3_000_000, 100, 21]);
    // an order sent at 0 takes 3 ms; one sent at 1 ms takes 100 ns but cannot overtake it
    const q = new MessageQueue(2);
    q.push(0 + latencyAt(model, "entry", 0));
    q.push(1_000_000 + latencyAt(model, "entry", 1_000_000));
    expect([q.data[q.shift()], q.data[q.shift()]]).toEqual([3_000_000, 3_000_000]);
  });
});

describe("the strategy's timer in the backtest loop", () => {
  it("sends a timer event at the time timer_at names, before market data at that time, and none after the session", () => {
    const outputs = new Float64Array(9);
    const layout: OutputLayout = { levels: [{ valid: 0, bid: 1, ask: 2, bidQty: 3, askQty: 4 }], accept: 5, reason: 6, haltReason: 7, timerAt: 8 };
    const seen: string[] = [];
    let deadline = 0;
    const engine = {
      outputs,
      step(kind: number, t: number) {
        seen.push(`${kind === EventKind.timer ? "timer" : "book"} ${t}`);
        if (kind === EventKind.book) deadline = t + 1_000; // every book arms the timer 1 µs later
        else deadline = 0; // the timer event disarms it
        outputs.fill(0);
        outputs[8] = deadline;
        return true;
      },
    };
    const rows: [number, number, number, number, number, number][] = [
      [EventKind.book, 0, 100, 1, 101, 1],
      [EventKind.book, 1_000, 100, 1, 101, 1], // at the deadline: the timer goes first
      [EventKind.book, 1_500, 100, 1, 101, 1], // re-armed for 2,500: after the last event, never sent
    ];
    runBacktest(engine, layout, tape(rows), undefined, { ...CONSERVATIVE, latency: constantLatency(0, 0) }, { riskCheck: true });
    expect(seen).toEqual(["book 0", "timer 1000", "book 1000", "book 1500"]);
  });
});
