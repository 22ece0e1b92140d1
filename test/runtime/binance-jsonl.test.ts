import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { EventKind, allocateTape } from "../../runtime/event-tape.js";
import { MAX_ERRORS, parseBinanceJsonl, readBinanceJsonlGz, repeatTape } from "../../runtime/feed/binance-jsonl.js";

const OPTS = { tick: "0.01", lot: "0.00001" };
const T0 = 1723161254087891268n;

const book = (ns: bigint, b: string, B: string, a: string, A: string) =>
  `${ns} ${JSON.stringify({ stream: "btcusdt@bookTicker", data: { u: 1, s: "BTCUSDT", b, B, a, A } })}`;
const trade = (ns: bigint, p: string, q: string, m: boolean) =>
  `${ns} ${JSON.stringify({ stream: "btcusdt@trade", data: { e: "trade", s: "BTCUSDT", p, q, m } })}`;
const depth = (ns: bigint) =>
  `${ns} ${JSON.stringify({ stream: "btcusdt@depth@100ms", data: { e: "depthUpdate", U: 50093239219, u: 50093239220, b: [["61737.63000000", "0.00000000"]], a: [] } })}`;

describe("parseBinanceJsonl", () => {
  it("converts decimal strings to ticks and lots exactly", () => {
    const r = parseBinanceJsonl(book(T0, "61837.63000000", "3.78826000", "61837.64000000", "0.02000000"), OPTS);
    expect(r.errors).toEqual([]);
    expect(r.tape.length).toBe(1);
    expect(r.tape.kind[0]).toBe(EventKind.book);
    expect(r.tape.a[0]).toBe(6183763);
    expect(r.tape.b[0]).toBe(378826);
    expect(r.tape.c[0]).toBe(6183764);
    expect(r.tape.d[0]).toBe(2000);
  });

  it("refuses a crossed or locked book by line", () => {
    const r = parseBinanceJsonl([book(T0, "61837.64", "1", "61837.63", "1"), book(T0 + 1n, "61837.63", "1", "61837.63", "1"), book(T0 + 2n, "61837.63", "1", "61837.64", "1")].join("\n"), OPTS);
    expect(r.errors).toEqual([
      { line: 1, message: "the book is crossed: bid 6183764 ticks is not below ask 6183763 ticks" },
      { line: 2, message: "the book is crossed: bid 6183763 ticks is not below ask 6183763 ticks" },
    ]);
  });

  it("is exact where float multiplication would round", () => {
    // 0.29 / 0.01 and 0.00007 / 0.00001 are both off by one ulp in float64.
    expect(0.29 / 0.01).not.toBe(29);
    const r = parseBinanceJsonl(trade(T0, "0.29", "0.00007", false), OPTS);
    expect(r.tape.a[0]).toBe(29);
    expect(r.tape.b[0]).toBe(7);
    // Steps other than powers of ten work too.
    const fives = parseBinanceJsonl(trade(T0, "61837.65", "1", false), { tick: "0.05", lot: "0.5" });
    expect(fives.errors).toEqual([]);
    expect(fives.tape.a[0]).toBe(1236753);
    expect(fives.tape.b[0]).toBe(2);
  });

  it("maps the maker flag to the aggressor side", () => {
    const r = parseBinanceJsonl([trade(T0, "61837.63", "0.048", true), trade(T0 + 5n, "61837.64", "0.1", false)].join("\n"), OPTS);
    expect(Array.from(r.tape.kind)).toEqual([EventKind.trade, EventKind.trade]);
    expect(Array.from(r.tape.a)).toEqual([6183763, 6183764]);
    expect(Array.from(r.tape.b)).toEqual([4800, 10000]);
    expect(Array.from(r.tape.c)).toEqual([-1, 1]); // buyer maker => seller aggressed
  });

  it("reads depth increments and the REST snapshot into the depth tape, keeping the clock from the first line", () => {
    const text = [
      depth(T0),
      `${T0 + 10n} {"lastUpdateId":50093239218,"bids":[["1.00","2"]],"asks":[]}`,
      book(T0 + 1_000_000_000n, "1.00", "1", "1.01", "2"),
      depth(T0 + 1_500_000_000n),
      trade(T0 + 2_000_000_123n, "1.01", "0.5", false),
      `${T0 + 3n} {"stream":"btcusdt@aggTrade","data":{}}`,
      "",
    ].join("\n");
    const r = parseBinanceJsonl(text, OPTS);
    expect(r.errors).toEqual([]);
    expect(r.errorCount).toBe(0);
    expect(r.skipped).toBe(1); // the aggTrade stream
    expect(r.tape.length).toBe(2);
    expect(Array.from(r.tape.t)).toEqual([1_000_000_000, 2_000_000_123]);
    // increment, snapshot bid (starts the side), empty ask side (one row that clears it), increment
    expect(Array.from(r.depth.t)).toEqual([0, 10, 10, 1_500_000_000]);
    expect(Array.from(r.depth.side)).toEqual([1, 1, -1, 1]);
    expect(Array.from(r.depth.price)).toEqual([6173763, 100, 0, 6173763]);
    expect(Array.from(r.depth.qty)).toEqual([0, 200000, 0, 0]);
    expect(Array.from(r.depth.snapshot)).toEqual([0, 1, 1, 0]);
  });

  it("drops increments the REST snapshot already holds", () => {
    const inc = (ns: bigint, u: number) =>
      `${ns} ${JSON.stringify({ stream: "btcusdt@depth@100ms", data: { e: "depthUpdate", U: u - 1, u, b: [["1.00", "3"]], a: [] } })}`;
    const r = parseBinanceJsonl([`${T0} {"lastUpdateId":100,"bids":[["1.00","2"]],"asks":[["1.01","1"]]}`, inc(T0 + 1n, 100), inc(T0 + 2n, 101)].join("\n"), OPTS);
    expect(r.skipped).toBe(1);
    expect(Array.from(r.depth.qty)).toEqual([200000, 100000, 300000]);
  });

  it("reports malformed lines by line number instead of throwing", () => {
    const text = [
      book(T0, "1.00", "1", "1.01", "2"),
      `${T0 + 1n} {"stream":"btcusdt@trade","data":{`,
      `${T0 + 2n} {"stream":"btcusdt@trade","data":{"p":"1.00","m":true}}`,
      `${T0 + 3n} {"stream":"btcusdt@bookTicker","data":{"b":"abc","B":"1","a":"1.01","A":"1"}}`,
      `${T0 + 4n} {"stream":"btcusdt@trade","data":{"p":"1.00","q":"1","m":"yes"}}`,
      `notatime {"stream":"btcusdt@trade"}`,
      `${T0 + 5n} 42`,
      `${T0 + 6n} {"stream":"btcusdt@bookTicker","data":{"b":-1,"B":"1","a":"1.01","A":"1"}}`,
      trade(T0 + 7n, "1.02", "0.001", true),
    ].join("\n");
    const r = parseBinanceJsonl(text, OPTS);
    expect(r.errors.map((e) => e.line)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(r.errors[0].message).toMatch(/bad JSON/);
    expect(r.errors[1].message).toMatch(/field q/);
    expect(r.errors[2].message).toMatch(/not a decimal/);
    expect(r.errors[3].message).toMatch(/field m/);
    expect(r.errors[4].message).toMatch(/timestamp/);
    expect(r.errors[5].message).toMatch(/not a JSON object/);
    expect(r.errors[6].message).toMatch(/field b/);
    expect(r.errorCount).toBe(7);
    expect(r.skipped).toBe(7);
    expect(r.tape.length).toBe(2);
    expect(Array.from(r.tape.t)).toEqual([0, 7]);
    expect(r.tape.b[1]).toBe(100);
  });

  it("refuses prices off the tick grid, naming the value and the tick", () => {
    const r = parseBinanceJsonl(trade(T0, "61837.635", "1", false), { ...OPTS, instrument: "BTCUSDT" });
    expect(r.tape.length).toBe(0);
    expect(r.errors).toEqual([{ line: 1, message: "trade price 61837.635 is not a whole number of ticks (tick 0.01): off the tick grid of BTCUSDT" }]);
    const level = parseBinanceJsonl(`${T0} {"lastUpdateId":1,"bids":[["1.005","1"]],"asks":[]}`, OPTS);
    expect(level.errors[0].message).toMatch(/^bid level price 1\.005 is not a whole number of ticks \(tick 0\.01\)/);
    expect(level.depth.length).toBe(0); // the line's rows are taken back
  });

  it("rounds sizes off the lot grid up to whole lots, and counts them", () => {
    const r = parseBinanceJsonl([trade(T0, "1.00", "1", false), trade(T0, "1.00", "0.000015", false), trade(T0, "1.00", "0.000001", false)].join("\n"), OPTS);
    expect(r.errors).toEqual([]);
    expect(Array.from(r.tape.b)).toEqual([100000, 2, 1]);
    expect(r.roundedQuantities).toBe(2);
    expect(r.firstRounded).toEqual({ line: 2, message: "trade quantity 0.000015 is not a whole number of lots (lot 0.00001); rounded up to 2 lots" });
  });

  it("caps the error list but still counts every bad line", () => {
    const text = Array.from({ length: 30 }, (_, i) => `${T0 + BigInt(i)} {oops`).join("\n");
    const r = parseBinanceJsonl(text, OPTS);
    expect(r.errors.length).toBe(MAX_ERRORS);
    expect(r.errors[MAX_ERRORS - 1].line).toBe(MAX_ERRORS);
    expect(r.errorCount).toBe(30);
  });

  it("rejects bad step options up front", () => {
    expect(() => parseBinanceJsonl("", { tick: "0", lot: "1" })).toThrow(RangeError);
    expect(() => parseBinanceJsonl("", { tick: "0.01", lot: "1e-5" })).toThrow(RangeError);
  });
});

describe("repeatTape", () => {
  it("replays laps with times that keep increasing", () => {
    const tape = allocateTape(3);
    tape.t.set([0, 5, 20]);
    tape.a.set([10, 11, 12]);
    tape.kind.set([EventKind.book, EventKind.trade, EventKind.book]);
    const out = repeatTape(tape, 8);
    expect(out.length).toBe(8);
    const lap = 20 + 1e6;
    expect(Array.from(out.t)).toEqual([0, 5, 20, lap, lap + 5, lap + 20, 2 * lap, 2 * lap + 5]);
    expect(Array.from(out.a)).toEqual([10, 11, 12, 10, 11, 12, 10, 11]);
    expect(Array.from(out.kind)).toEqual([0, 1, 0, 0, 1, 0, 0, 1]);
    for (let i = 1; i < out.length; i++) expect(out.t[i]).toBeGreaterThan(out.t[i - 1]);
  });

  it("truncates to fewer events than one lap and refuses to repeat nothing", () => {
    const tape = allocateTape(3);
    tape.a.set([1, 2, 3]);
    expect(Array.from(repeatTape(tape, 2).a)).toEqual([1, 2]);
    expect(repeatTape(allocateTape(0), 0).length).toBe(0);
    expect(() => repeatTape(allocateTape(0), 1)).toThrow(RangeError);
  });
});

describe("bundled excerpt", () => {
  const path = fileURLToPath(new URL("../../examples/data/btcusdt-20240808-excerpt.jsonl.gz", import.meta.url));

  it("parses without errors into books and trades", () => {
    const r = readBinanceJsonlGz(path, OPTS);
    expect(r.errors).toEqual([]);
    expect(r.errorCount).toBe(0);
    const kinds = Array.from(r.tape.kind);
    expect(kinds.filter((k) => k === EventKind.book).length).toBe(5870);
    expect(kinds.filter((k) => k === EventKind.trade).length).toBe(1465);
    expect(r.skipped).toBe(0);
    // every level of every depth line and of the one REST snapshot is a row; the snapshot starts each side once
    const lines = gunzipSync(readFileSync(path)).toString("utf8").split("\n").filter((l) => l.includes("depth") || l.includes("lastUpdateId"));
    const levels = lines.map((l) => JSON.parse(l.slice(l.indexOf(" ") + 1))).reduce((n, m) => n + (m.data ? m.data.b.length + m.data.a.length : m.bids.length + m.asks.length), 0);
    expect(r.depth.length).toBe(levels);
    expect(Array.from(r.depth.snapshot).filter((x) => x === 1).length).toBe(2);
    // First book and first trade of the recording (lines 3 and 4).
    expect([r.tape.a[0], r.tape.b[0], r.tape.c[0], r.tape.d[0]]).toEqual([6183763, 378826, 6183764, 154698]);
    expect([r.tape.a[1], r.tape.b[1], r.tape.c[1]]).toEqual([6183763, 2000, -1]);
    // 1723161254087891268 - 1723161253937085768, which float64 subtraction would get wrong by 4 ns.
    expect(r.tape.t[0]).toBe(150_805_500);
    for (let i = 1; i < r.tape.length; i++) expect(r.tape.t[i]).toBeGreaterThanOrEqual(r.tape.t[i - 1]);
  });
});
