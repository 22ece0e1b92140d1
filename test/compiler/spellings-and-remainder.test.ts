import { describe, expect, it } from "vitest";
import { EventKind } from "../../runtime/event-tape.js";
import { compiled, engines, outputOf, stateOf } from "./all-engines.js";

/** Issue 8: `%`, C's `&&` `||` `!`, and bool states that start true, on every software target. */

const program = `
instrument X { tick = 1 lot = 1 multiplier = 1 price in [1, 100000] ticks qty in [0, 1000] lots position in [-1000, 1000] lots }
params { n : int = 7 in [1, 10] }
strategy S on X {
  state armed : bool = true
  state seen : int = 0 in [0, 100000]
  on trade { armed = false }
  on book {
    seen = value(bid % 7 + ask % price(n) * 0)
    if (armed && bid % 2 == 0) || !(ask < 50_000) { quote bid = bid - bid % 10, ask = ask, qty = 1 } else { cancel }
  }
}`;

describe("remainders and C's boolean operators", () => {
  it("compute the same on every target as a - b * floor(a / b) and and/or/not", async () => {
    const ir = compiled(program);
    const [seen, armed] = [stateOf(ir, "seen"), stateOf(ir, "armed")];
    const [valid, bid] = [outputOf(ir, "quote_valid"), outputOf(ir, "quote_bid")];
    for (const e of await engines(ir)) {
      expect(e.state(armed), e.name).toBe(1n);
      expect(e.step(EventKind.book, 1, 1234, 5, 1240, 5)).toBe(true);
      expect(e.state(seen), e.name).toBe(BigInt(1234 % 7));
      expect(e.output(valid), `${e.name}: armed and even`).toBe(1n);
      expect(e.output(bid), e.name).toBe(1230n);
      expect(e.step(EventKind.book, 2, 1235, 5, 1240, 5)).toBe(true);
      expect(e.output(valid), `${e.name}: odd bid, ask below 50,000`).toBe(0n);
      expect(e.step(EventKind.trade, 3, 1235, 1, 1, 0)).toBe(true);
      expect(e.state(armed), e.name).toBe(0n);
      expect(e.step(EventKind.book, 4, 1234, 5, 60_001, 5)).toBe(true);
      expect(e.output(valid), `${e.name}: disarmed, but !(ask < 50,000)`).toBe(1n);
    }
  }, 60_000);
});
