import { describe, expect, it } from "vitest";
import { EventKind } from "../../runtime/event-tape.js";
import { compiled, engines, firstError, outputOf } from "./all-engines.js";

/** Issue 8: `fn name(a, b) = expr`, pure functions of expressions inlined at each call. */

const program = `
instrument X { tick = 1 lot = 1 multiplier = 1 price in [1, 100000] ticks qty in [0, 1000] lots position in [-1000, 1000] lots }
params { k : int = 3 in [1, 10] }
strategy S on X {
  fn widen(p, by) = floor_tick(p + price(by * k))
  fn inside(p) = widen(p, -1)
  on book {
    let w = 2
    quote bid = inside(bid), ask = widen(ask, 2), qty = qty(1)
  }
}`;

describe("a user fn", () => {
  it("is inlined with its arguments' values and units, calls other fns, reads parameters", async () => {
    const ir = compiled(program);
    const [bid, ask] = [outputOf(ir, "quote_bid"), outputOf(ir, "quote_ask")];
    for (const e of await engines(ir)) {
      expect(e.step(EventKind.book, 1, 1000, 1, 1010, 1)).toBe(true);
      expect(e.output(bid), e.name).toBe(997n);
      expect(e.output(ask), e.name).toBe(1016n);
    }
  }, 60_000);

  it("cannot recurse, is called by position with its arity, and sees no let of its caller", () => {
    const recursive = firstError(program.replace("fn inside(p) = widen(p, -1)", "fn inside(p) = inside(p) + 1"));
    expect(recursive.code).toBe("N017");
    expect(recursive.message).toBe("'inside' calls itself (inside -> inside)");
    const arity = firstError(program.replace("inside(bid)", "inside(bid, 2)"));
    expect(arity.message).toBe("inside(...) takes 1 argument, got 2");
    const caller = firstError(program.replace("fn inside(p) = widen(p, -1)", "fn inside(p) = p - w"));
    expect(caller.code).toBe("N001");
    expect(caller.message).toBe("unknown name 'w'");
    const clash = firstError(program.replace("fn widen(p, by)", "fn min(p, by)").replace(/widen\(/g, "min("));
    expect(clash.message).toBe("'min' is already a built-in function");
  });
});

describe("a user fn in the risk block", () => {
  it("reads the exact position there, as the risk block does (it read the strategy's clamped view)", async () => {
    const ir = compiled(`
instrument X { tick = 1 lot = 1 multiplier = 1 price in [1, 100000] ticks qty in [0, 10_000_000] lots position in [-1_000_000, 1_000_000] lots }
strategy S on X {
  fn inside(lim) = abs(position) <= lim
  on book { quote bid = bid - 1, ask = ask + 1, qty = 1 }
}
risk G on X {
  max_position 1000
  invariant inside(1_050_000)
  invariant abs(position) <= 1_050_000
}`);
    for (const e of await engines(ir)) {
      expect(e.step(EventKind.fill, 1, 100, 1_100_000, 1, 0)).toBe(true);
      expect(e.output(outputOf(ir, "invariant_0")), e.name).toBe(e.output(outputOf(ir, "invariant_1")));
      expect(e.output(outputOf(ir, "invariant_0")), e.name).toBe(0n);
    }
  }, 60_000);
});
