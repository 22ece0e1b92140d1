import { describe, expect, it } from "vitest";
import { EventKind } from "../../runtime/event-tape.js";
import { LatencyKind, Liquidity, OrderAction, RecordType, ReplyKind } from "../../runtime/log/log-format.js";
import { LogReader } from "../../runtime/log/log-reader.js";
import { encodeHeader, LogWriter, memorySink } from "../../runtime/log/log-writer.js";
import { logLayoutProblem, summarizeLog } from "../../runtime/report/log-summary.js";

const OUTPUTS = ["quote_valid", "quote_bid", "quote_ask", "quote_bid_qty", "quote_ask_qty", "accept", "reason", "halt_reason"];
const REASONS = ["accepted", "kill_switch", "order_qty"];

/** A hand-written log: the records a backtest writes, in its order, with times in ns. */
function handLog(): LogReader {
  const mem = memorySink();
  const header = encodeHeader(new Uint8Array(32), { program: "p", source: "p.lstep", instrument: { name: "X", tick: "0.5", lot: "0.1" }, outputs: OUTPUTS, data: "d", simulator: {} });
  const w = new LogWriter(mem.sink, header);
  const R = RecordType;
  w.record(R.market, EventKind.book, 0, 0, 1000, 100, 5, 102, 5); // mid 101
  w.record(R.quote, 0, 0, 0, 1000, 100, 102, 1, 1);
  w.record(R.verdict, 1, 0, 1, 1000, 0, 100, 1, 1);
  w.record(R.order, OrderAction.new, 0, 1, 1000, 100, 1, 1, 0);
  w.record(R.latency, LatencyKind.entry, 0, 1, 1000, 10, 0, 0, 0); // arrives at 1010
  w.record(R.verdict, 0, 0, 2, 1000, 2, 102, 1, -1); // refused: order_qty
  w.record(R.reply, ReplyKind.accepted, 0, 1, 1010, 100, 1, 0, 0);
  w.record(R.latency, LatencyKind.response, 0, 0, 1010, 10, 0, 0, 0); // delivered at 1020
  w.record(R.fill, Liquidity.maker, 0, 1, 1500, 100, 1, 1, 0.25); // bought 1 lot at 100
  w.record(R.latency, LatencyKind.response, 0, 0, 1500, 10, 0, 0, 0); // delivered at 1510
  w.record(R.quote, 0, 0, 0, 1510, 99, 103, 1, 1); // the fill's own quote: another event
  w.record(R.market, EventKind.timer, 0, 0, 1600, 0, 0, 0, 0); // not an event of the recording
  w.record(R.verdict, 0, 0, 3, 1600, -1, 99, 1, 1); // invalid order event
  w.record(R.market, EventKind.trade, 0, 0, 2000, 101, 3, -1, 0);
  w.record(R.latency, LatencyKind.wallTickToTrade, 0, 1, 2000, 700, 0, 0, 0);
  w.record(R.order, OrderAction.cancel, 0, 1, 2000, 100, 1, 1, 0);
  w.record(R.latency, LatencyKind.entry, 0, 1, 2000, 10, 0, 0, 0); // sent by the last event: in flight
  w.record(R.fill, Liquidity.taker, 0, 4, 1995, 102, 2, -1, 1); // made at 1995, delivered at 2005: in flight
  w.record(R.latency, LatencyKind.response, 0, 0, 1995, 10, 0, 0, 0);
  w.flush();
  return new LogReader(mem.bytes());
}

describe("summarizeLog", () => {
  it("counts what was delivered by the last market event, events without timers, quotes per event, rejects by reason", () => {
    const log = handLog();
    expect(logLayoutProblem(log)).toBeUndefined();
    const { summary: s, tickToTrade } = summarizeLog(log, { tick: 0.5, lot: 0.1, reasons: REASONS });
    expect(s.events).toBe(2);
    expect(s.marketSeconds).toBe(1e-6);
    expect(s.quotes).toBe(2);
    expect(s.ordersSent).toEqual({ new: 1, replace: 0, cancel: 1 });
    expect(s.riskRejects).toEqual({ order_qty: 1 });
    expect(s.invalidOrders).toBe(1);
    expect(s.exchangeReplies.accepted).toBe(1);
    // the maker fill only: 1 lot = 0.1, at 100 ticks = 50; cash -50 × 0.1, fee 0.25 tick·lot
    expect([s.fills, s.makerFills, s.takerFills, s.volume, s.position]).toEqual([1, 1, 0, 0.1, 0.1]);
    expect(s.fees).toBeCloseTo(0.25 * 0.05, 12);
    expect(s.mid).toBe(50.5);
    // marked at mid 101 ticks: -100 + 101 - 0.25 tick·lot, × 0.05
    expect(s.pnlMarkedToMid).toBeCloseTo(0.75 * 0.05, 12);
    expect(s.inFlightAtEnd).toBe(2);
    expect([tickToTrade.samples, tickToTrade.p50Ns, tickToTrade.maxNs]).toEqual([1, 700, 700]);
  });
});
