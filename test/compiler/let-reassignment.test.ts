import { describe, expect, it } from "vitest";
import { EventKind } from "../../runtime/event-tape.js";
import { compiled, engines, firstError, outputOf } from "./all-engines.js";

/** Issue 8: a `let` reassigned inside `if` (and in an unrolled loop) holds the branch's value after it. */

const program = `
instrument X { tick = 1 lot = 1 multiplier = 1 price in [1, 100000] ticks qty in [0, 1000] lots position in [-1000, 1000] lots }
strategy S on X {
  on book {
    let size = qty(10)
    let width : price = 2
    if bid_qty > 50 {
      size = qty(20)
      width = 3
    } else if ask_qty > 50 {
      size = qty(30)
    }
    for k in [0, 1] { width = width + 1 }
    quote bid = bid - width, ask = ask + width, qty = size
  }
}`;

describe("reassigning a let", () => {
  it("merges the branches and runs the loop's updates in order, on every target", async () => {
    const ir = compiled(program);
    const [bid, qty] = [outputOf(ir, "quote_bid"), outputOf(ir, "quote_bid_qty")];
    for (const e of await engines(ir)) {
      let t = 0;
      for (const [bq, aq, width, size] of [
        [60, 1, 5, 20],
        [1, 60, 4, 30],
        [1, 1, 4, 10],
      ]) {
        expect(e.step(EventKind.book, ++t, 1000, bq, 1010, aq)).toBe(true);
        expect(e.output(bid), `${e.name} at ${bq}/${aq}`).toBe(BigInt(1000 - width));
        expect(e.output(qty), `${e.name} at ${bq}/${aq}`).toBe(BigInt(size));
      }
    }
  }, 60_000);

  it("keeps the let's unit, and a loop variable stays constant", () => {
    const wrongUnit = firstError(program.replace("size = qty(30)", "size = 30 + bid"));
    expect(wrongUnit.code).toBe("U001");
    expect(wrongUnit.message).toBe("'size' holds lots, but this is ticks");
    const loopVar = firstError(program.replace("width = width + 1", "k = 2"));
    expect(loopVar.code).toBe("N007");
    expect(loopVar.message).toBe("cannot assign to 'k': it is a loop variable");
  });
});
