import { describe, expect, it } from "vitest";
import { EventKind } from "../../runtime/event-tape.js";
import { parameterVector } from "../../compiler/derived-eval.js";
import { Interpreter } from "../../compiler/interpret.js";
import { compiled, engines, firstError, stateOf } from "./all-engines.js";

/** Rolling windows (issue 8) against a plain model of the last N values, on every software target. */

const program = `
instrument X { tick = 1 lot = 1 multiplier = 1 price in [1, 100000] ticks qty in [0, 1000] lots position in [-1000, 1000] lots }
strategy S on X {
  state hi = rolling_max(bid, last = 4)
  state lo = rolling_min(bid, last = 4, max_age = 3s)
  state avg = rolling_mean(trade_price, last = 3)
  state vol = rolling_sum(trade_qty, last = 8, max_age = 1s)
  on book { quote bid = floor_tick(lo - 1), ask = ceil_tick(hi + 1), qty = qty(value(vol) + 1) }
}`;

const S = 1_000_000_000;

describe("rolling windows", () => {
  it("hold the max, min, mean and sum of the last N updates, and with max_age of the recent ones only", async () => {
    const ir = compiled(program);
    const slot = (n: string) => stateOf(ir, n);
    const value = (e: Awaited<ReturnType<typeof engines>>[number], n: string) => Number(e.state(slot(n))) / 2 ** ir.state[slot(n)].frac;
    const books: [number, number][] = [[0, 500], [1, 450], [2, 700], [3, 650], [4, 600], [8, 900], [9, 100]];
    const trades: [number, number, number][] = [[0.5, 101, 10], [1.2, 103, 20], [1.4, 110, 5], [2.9, 90, 7]];
    for (const e of await engines(ir)) {
      const seen: [number, number][] = [];
      for (const [t, bid] of books) {
        expect(e.step(EventKind.book, t * S + 1, bid, 1, bid + 10, 1), e.name).toBe(true);
        seen.unshift([t, bid]);
        const last4 = seen.slice(0, 4);
        expect(value(e, "hi"), `${e.name} hi at ${t}s`).toBe(Math.max(...last4.map(([, b]) => b)));
        const recent = last4.filter(([ts]) => t - ts <= 3);
        expect(value(e, "lo"), `${e.name} lo at ${t}s`).toBe(Math.min(...recent.map(([, b]) => b)));
      }
      const fills: [number, number, number][] = [];
      for (const [t, price, qty] of trades) {
        expect(e.step(EventKind.trade, 10 * S + t * S, price, qty, 1, 0), e.name).toBe(true);
        fills.unshift([t, price, qty]);
        const last3 = fills.slice(0, 3);
        expect(value(e, "avg"), `${e.name} avg at ${t}s`).toBeCloseTo(last3.reduce((s, [, p]) => s + p, 0) / last3.length, 4);
        expect(value(e, "vol"), `${e.name} vol at ${t}s`).toBe(fills.filter(([ts]) => t - ts <= 1).reduce((s, [, , q]) => s + q, 0));
      }
    }
  }, 60_000);
});

describe("a rolling window's state before its first update", () => {
  it("is 0, within its proven range, when another handler reads it (the checked interpreter would throw)", () => {
    const ir = compiled(`
instrument X { tick = 1 lot = 1 multiplier = 1 price in [100, 100000] ticks qty in [0, 1000] lots position in [-1000, 1000] lots }
strategy S on X {
  state centre = rolling_mean(mid, last = 4)
  on timer { quote bid = floor_tick(centre + 100), ask = ceil_tick(centre + 102), qty = 1 }
}`);
    const interp = new Interpreter(ir, true);
    interp.reset(parameterVector(ir, []));
    expect(interp.step(EventKind.timer, 5, 0, 0, 0, 0)).toBe(true);
    expect(interp.outputs[ir.outputs.findIndex((o) => o.name === "quote_bid")]).toBe(100n);
  });

  it("takes its input's format: a declared type or range is an error", () => {
    const e = firstError(program.replace("state avg = rolling_mean(trade_price, last = 3)", "state avg : fix<8.2> = rolling_mean(trade_price, last = 3) in [0, 10]"));
    expect(e.code).toBe("T016");
  });
});
