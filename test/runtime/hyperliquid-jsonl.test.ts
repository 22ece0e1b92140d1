import { describe, expect, it } from "vitest";
import { EventKind } from "../../runtime/event-tape.js";
import { parseHyperliquidJsonl } from "../../runtime/feed/hyperliquid-jsonl.js";
import { loadRecording } from "../../runtime/feed/load-recording.js";
import { sharedMarketData } from "./shared-market-data.js";

const OPTS = { tick: "0.5", lot: "0.00001", instrument: "BTC" };
const T0 = 1737918843893903000n;
const level = (px: string, sz: string) => ({ n: 1, px, sz });
const book = (ns: bigint, bids: object[], asks: object[], coin = "BTC") =>
  `${ns} ${JSON.stringify({ channel: "l2Book", data: { coin, levels: [bids, asks], time: 1 } })}`;
const trades = (ns: bigint, ...list: [string, string, string][]) =>
  `${ns} ${JSON.stringify({ channel: "trades", data: list.map(([px, sz, side]) => ({ coin: "BTC", px, sz, side, tid: 1, time: 1 })) })}`;

describe("parseHyperliquidJsonl", () => {
  it("turns an l2Book snapshot into a book event of the best levels and a depth snapshot of both sides", () => {
    const r = parseHyperliquidJsonl(book(T0, [level("105055.0", "3.03622"), level("105054.5", "0.1")], [level("105056.0", "6.34472")]), OPTS);
    expect(r.errors).toEqual([]);
    expect(Array.from(r.tape.kind)).toEqual([EventKind.book]);
    expect([r.tape.a[0], r.tape.b[0], r.tape.c[0], r.tape.d[0]]).toEqual([210110, 303622, 210112, 634472]);
    expect(Array.from(r.depth.side)).toEqual([1, 1, -1]);
    expect(Array.from(r.depth.price)).toEqual([210110, 210109, 210112]);
    expect(Array.from(r.depth.snapshot)).toEqual([1, 0, 1]);
  });

  it("makes one trade event per trade, the taker's side as the aggressor", () => {
    const r = parseHyperliquidJsonl([book(T0, [], []), trades(T0 + 7n, ["105056.0", "0.00219", "B"], ["105055.0", "0.001", "A"])].join("\n"), OPTS);
    expect(r.errors).toEqual([]);
    // a book with an empty side is no book event, but clears both sides of the depth
    expect(Array.from(r.tape.kind)).toEqual([EventKind.trade, EventKind.trade]);
    expect(Array.from(r.tape.t)).toEqual([7, 7]);
    expect(Array.from(r.tape.c)).toEqual([1, -1]);
    expect(Array.from(r.depth.snapshot)).toEqual([1, 1]);
    expect(Array.from(r.depth.qty)).toEqual([0, 0]);
  });

  it("reports each malformed line by number and takes back what it had written", () => {
    const text = [
      trades(T0, ["105056.0", "1", "B"], ["105055.3", "1", "A"]),
      trades(T0 + 1n, ["105056.0", "1", "S"]),
      book(T0 + 2n, [level("1", "1")], [level("2", "1")], "ETH"),
      `${T0 + 3n} {"data":[]}`,
      `${T0 + 4n} {"channel":"l2Book","data":{"coin":"BTC","levels":[[]]}}`,
      `${T0 + 5n} {"channel":"subscriptionResponse","data":{}}`,
      trades(T0 + 6n, ["1.5", "0.5", "A"]),
    ].join("\n");
    const r = parseHyperliquidJsonl(text, OPTS);
    expect(r.errors).toEqual([
      { line: 1, message: "trade 2 price 105055.3 is not a whole number of ticks (tick 0.5): off the tick grid of BTC" },
      { line: 2, message: 'trade 1 side is "S", expected "B" or "A"' },
      { line: 3, message: "coin ETH, but the recording is of BTC; split it into one recording per coin" },
      { line: 4, message: "no channel field" },
      { line: 5, message: "levels must be two arrays, bids then asks" },
    ]);
    expect(r.skipped).toBe(6);
    expect(Array.from(r.tape.a)).toEqual([3]); // only the last line's trade: line 1's first trade was taken back
  });

  it("refuses a snapshot whose best levels are not its first ones: a side out of order, a level of size 0, a crossed book", () => {
    const text = [
      book(T0, [level("100.0", "1"), level("100.5", "1")], [level("101.0", "1")]),
      book(T0 + 1n, [level("100.0", "1")], [level("101.0", "1"), level("101.0", "2")]),
      book(T0 + 2n, [level("100.0", "0")], [level("101.0", "1")]),
      book(T0 + 3n, [level("101.0", "1")], [level("101.0", "1")]),
      book(T0 + 4n, [level("100.0", "1"), level("99.5", "1")], [level("101.0", "1"), level("101.5", "1")]),
    ].join("\n");
    const r = parseHyperliquidJsonl(text, OPTS);
    expect(r.errors).toEqual([
      { line: 1, message: "bid level 2 price is not below level 1's: a side is sorted best first" },
      { line: 2, message: "ask level 2 price is not above level 1's: a side is sorted best first" },
      { line: 3, message: "bid level 1 has size 0" },
      { line: 4, message: "the book is crossed: bid 202 ticks is not below ask 202 ticks" },
    ]);
    expect(Array.from(r.tape.a)).toEqual([200]);
    expect(r.depth.length).toBe(4); // the refused lines' depth rows were taken back
  });
});

const SHARED = sharedMarketData("hyperliquid-btcusd-20250126.jsonl.gz");

describe.runIf(SHARED !== undefined)("the Hyperliquid sample recording", () => {
  it("reads all 55 lines: a book event per snapshot, a trade event per trade", () => {
    const r = loadRecording(SHARED!, { instrument: "BTC", tick: "1", lot: "0.00001" });
    if ("error" in r) throw new Error(r.error);
    expect(r.venue).toBe("hyperliquid");
    expect(r.notes).toEqual([]);
    const kinds = Array.from(r.tape.kind);
    expect(kinds.filter((k) => k === EventKind.book).length).toBe(46);
    expect(kinds.filter((k) => k === EventKind.trade).length).toBe(64);
    expect(Array.from(r.depth.snapshot).filter((x) => x === 1).length).toBe(2 * 46);
  });
});
