import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Handler, Interval, IrProgram } from "../../compiler/ir.js";
import { parameterVector } from "../../compiler/derived-eval.js";
import { EventKind } from "../../runtime/event-tape.js";
import { interpreterEngine } from "../../targets/agreement/engine.js";
import { compiled, engines, firstError, outputOf, stateOf } from "./all-engines.js";

/** Issue 8: quotes that cannot be wrong by construction, and an event that does not quote keeps the last quote. */

const EXAMPLES = ["avellaneda", "glft", "grid", "breakout"];
const within = (inner: Interval, outer: Interval) => inner.lo >= outer.lo && inner.hi <= outer.hi;

/**
 * The values a handler can emit for an output while quote_valid = 1: select arms down to what is not a
 * select, skipping the 0 of a cancelled quote and the held quote (its writes are checked on their own).
 */
function quotedLeaves(h: Handler, id: number, held: Set<number>): Interval[] {
  const i = h.body[id];
  if (i.op === "select") return [...quotedLeaves(h, i.a, held), ...quotedLeaves(h, i.b, held)];
  if ((i.op === "const" && i.value === 0n) || (i.op === "state" && held.has(i.slot))) return [];
  return [i.range];
}

/** Every proven interval a quote price (or size) can take in any handler, for outputs and held slots alike. */
function provenQuoted(ir: IrProgram, field: "bid" | "ask" | "bid_qty" | "ask_qty"): Interval[] {
  const held = new Set(ir.state.flatMap((s, i) => (s.name.startsWith("held_quote_") ? [i] : [])));
  const outs = new Set(ir.outputs.flatMap((o, i) => (o.name === `quote_${field}` || o.name.match(new RegExp(`^quote_${field}_\\d+$`)) ? [i] : [])));
  const slots = new Set(ir.state.flatMap((s, i) => (s.name === `held_quote_${field}` || s.name.match(new RegExp(`^held_quote_${field}_\\d+$`)) ? [i] : [])));
  expect(outs.size).toBeGreaterThan(0);
  return ir.handlers.flatMap((h) => [
    ...h.outputs.filter((o) => outs.has(o.slot)).flatMap((o) => quotedLeaves(h, o.value, held)),
    ...h.writes.filter((w) => slots.has(w.slot)).flatMap((w) => quotedLeaves(h, w.value, held)),
  ]);
}

describe("quotes proven within the instrument's ranges", () => {
  it.each(EXAMPLES)("%s: every quoted price lies in the price range, every size in [0, max qty]", (name) => {
    const ir = compiled(readFileSync(`examples/${name}.lstep`, "utf8"));
    const text = readFileSync(`examples/${name}.lstep`, "utf8");
    const [plo, phi] = text.match(/price in \[([\d_]+), ([\d_]+)\]/)!.slice(1).map((s) => BigInt(s.replace(/_/g, "")));
    const qhi = BigInt(text.match(/qty in \[[\d_]+, ([\d_]+)\]/)![1].replace(/_/g, ""));
    for (const side of ["bid", "ask"] as const) {
      const ranges = provenQuoted(ir, side);
      expect(ranges.length).toBeGreaterThan(0);
      for (const r of ranges) expect(within(r, { lo: plo, hi: phi }), `${name} ${side} [${r.lo}, ${r.hi}]`).toBe(true);
    }
    for (const side of ["bid_qty", "ask_qty"] as const)
      for (const r of provenQuoted(ir, side)) expect(within(r, { lo: 0n, hi: qhi }), `${name} ${side} [${r.lo}, ${r.hi}]`).toBe(true);
    // the output slots themselves: a price is 0 (no quote) or within the range
    for (const o of ir.outputs.filter((o) => /^quote_(bid|ask)(_\d+)?$/.test(o.name))) expect(o.range).toEqual({ lo: 0n, hi: phi });
    for (const o of ir.outputs.filter((o) => /^quote_(bid|ask)_qty(_\d+)?$/.test(o.name))) expect(within(o.range, { lo: 0n, hi: qhi })).toBe(true);
  });
});

const program = (quote: string, extra = "") => `
instrument X { tick = 1 lot = 1 multiplier = 1 price in [1, 1000] ticks qty in [0, 50] lots position in [-100, 100] lots }
params { width : price = 5 in [-20, 20]  size : int = 10 in [-10, 100] }
strategy S on X {
  on book { ${quote} }
  ${extra}
}`;
const QUOTE = "quote bid = bid - width, ask = ask + width, qty = qty(size)";

describe("else clamp and else cancel", () => {
  const outputs = async (source: string, bid: number, ask: number, params?: Record<string, bigint>) => {
    const ir = compiled(source);
    const names = ["quote_valid", "quote_bid", "quote_ask", "quote_bid_qty", "quote_ask_qty"];
    // the interpreter defines it; the targets' agreement on guarded quotes is the agreement suite's
    const e = interpreterEngine(ir);
    e.reset(parameterVector(ir, ir.params.map((p) => params?.[p.name] ?? p.default)));
    expect(e.step(EventKind.book, 1, bid, 1, ask, 1)).toBe(true);
    return names.map((n) => e.output(outputOf(ir, n)));
  };

  it("cancel (the default) clears quote_valid when a price leaves the range; clamp moves it in", async () => {
    expect(await outputs(program(QUOTE), 3, 10)).toEqual([0n, 0n, 0n, 0n, 0n]);
    expect(await outputs(program(`${QUOTE} else cancel`), 3, 10)).toEqual([0n, 0n, 0n, 0n, 0n]);
    expect(await outputs(program(`${QUOTE} else clamp`), 3, 10)).toEqual([1n, 1n, 15n, 10n, 10n]);
    expect(await outputs(program(`${QUOTE} else clamp`), 900, 998)).toEqual([1n, 895n, 1000n, 10n, 10n]);
    expect(await outputs(program(QUOTE), 10, 20)).toEqual([1n, 5n, 25n, 10n, 10n]);
  });

  it("a size outside [0, max qty] is cancelled or clamped", async () => {
    expect(await outputs(program(QUOTE), 100, 110, { size: -3n })).toEqual([0n, 0n, 0n, 0n, 0n]);
    expect(await outputs(program(`${QUOTE} else clamp`), 100, 110, { size: -3n })).toEqual([1n, 95n, 115n, 0n, 0n]);
    expect(await outputs(program(`${QUOTE} else clamp`), 100, 110, { size: 80n })).toEqual([1n, 95n, 115n, 50n, 50n]);
  });

  it("a bid at or above the ask is cancelled under both", async () => {
    for (const mode of ["", " else clamp", " else cancel"]) {
      expect(await outputs(program(QUOTE + mode), 100, 110, { width: -5n })).toEqual([0n, 0n, 0n, 0n, 0n]);
      expect(await outputs(program(QUOTE + mode), 100, 110, { width: -4n })).toEqual([1n, 104n, 106n, 10n, 10n]);
    }
  });

  it("a quote the ranges already prove costs nothing", () => {
    const safe = program("quote bid = clamp(bid, 1, 500), ask = clamp(ask, 501, 1000), qty = 1");
    const ir = compiled(safe);
    const book = ir.handlers.find((h) => h.event === "book")!;
    expect(book.body.filter((i) => (i.op === "clamp" || i.op === "cmp") && i.loc !== "builtin")).toEqual([]);
    expect(book.body.find((i) => i.id === book.outputs[0].value)).toMatchObject({ op: "const", value: 1n });
  });

  it("any other word after else is a located error", () => {
    const e = firstError(program(`${QUOTE} else drop`));
    expect(e.code).toBe("N016");
    expect(e.text).toBe("drop");
  });
});

describe("an event that does not quote keeps the last quote; cancel pulls it", () => {
  const source = program(
    "if bid > 500 { cancel } else { quote bid = bid - 1, ask = ask + 1, qty = 2 }",
    "on fill { cancel }",
  );

  it("trade keeps, book above 500 and fill cancel, and an invalid event changes no held quote", async () => {
    const ir = compiled(source);
    const valid = outputOf(ir, "quote_valid");
    const bidOut = outputOf(ir, "quote_bid");
    const heldBid = stateOf(ir, "held_quote_bid");
    for (const e of await engines(ir)) {
      const at = (what: string) => `${e.name}: ${what}`;
      e.step(EventKind.book, 1, 100, 1, 102, 1);
      expect([e.output(valid), e.output(bidOut)], at("quoted")).toEqual([1n, 99n]);
      e.step(EventKind.trade, 2, 101, 1, 1, 0);
      expect([e.output(valid), e.output(bidOut)], at("a trade keeps the quote")).toEqual([1n, 99n]);
      expect(e.step(EventKind.book, 1, 100, 1, 102, 1), at("time going back is invalid")).toBe(false);
      expect(e.state(heldBid), at("held through an invalid event")).toBe(99n);
      e.step(EventKind.trade, 3, 101, 1, 1, 0);
      expect([e.output(valid), e.output(bidOut)], at("and after it")).toEqual([1n, 99n]);
      e.step(EventKind.fill, 4, 99, 1, 1, 0);
      expect([e.output(valid), e.output(bidOut)], at("a fill cancels")).toEqual([0n, 0n]);
      e.step(EventKind.book, 5, 200, 1, 202, 1);
      expect([e.output(valid), e.output(bidOut)], at("quoted again")).toEqual([1n, 199n]);
      e.step(EventKind.book, 6, 600, 1, 602, 1);
      expect([e.output(valid), e.output(bidOut)], at("the if's cancel")).toEqual([0n, 0n]);
      e.step(EventKind.trade, 7, 601, 1, 1, 0);
      expect([e.output(valid), e.output(bidOut)], at("still cancelled")).toEqual([0n, 0n]);
    }
  }, 60_000);

  it("a state may not take a held quote's name", () => {
    const e = firstError(program("quote bid = bid, ask = ask, qty = 1", "state held_quote_bid : int = 0"));
    expect(e.code).toBe("N002");
  });
});
