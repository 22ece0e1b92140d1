import { describe, expect, it } from "vitest";
import { parameterVector } from "../../compiler/derived-eval.js";
import { EventKind } from "../../runtime/event-tape.js";
import { compiled, engines, firstError, outputOf } from "./all-engines.js";

/** Issue 8: `for` bounds from parameters with a declared maximum: unrolled to the maximum, each copy guarded. */

const program = `
instrument X { tick = 1 lot = 1 multiplier = 1 price in [1, 100000] ticks qty in [0, 1000] lots position in [-1000, 1000] lots }
params { levels : int = 2 in [1, 4]  step : price = 5 in [1, 100] }
strategy S on X {
  on book {
    for k in [0, levels - 1] {
      quote level = k, bid = floor_tick(bid - step * k), ask = ceil_tick(ask + step * k), qty = 1
    }
  }
}`;

describe("a for loop bounded by a parameter", () => {
  it("quotes exactly the layers the loaded parameters ask for, on every target", async () => {
    const ir = compiled(program);
    const valid = (k: number) => outputOf(ir, k === 0 ? "quote_valid" : `quote_valid_${k}`);
    expect(ir.outputs.some((o) => o.name === "quote_valid_3")).toBe(true);
    for (const e of await engines(ir))
      for (const levels of [2, 4, 1]) {
        e.reset(parameterVector(ir, [BigInt(levels), 5n]));
        expect(e.step(EventKind.book, 1, 1000, 1, 1010, 1)).toBe(true);
        for (let k = 0; k < 4; k++) expect(e.output(valid(k)), `${e.name}: levels = ${levels}, layer ${k}`).toBe(k < levels ? 1n : 0n);
        expect(e.output(outputOf(ir, "quote_bid_1")), e.name).toBe(levels > 1 ? 995n : 0n);
      }
  }, 60_000);

  it("needs parameter bounds whose declared ranges allow at most 64 copies", () => {
    const wide = firstError(program.replace("levels : int = 2 in [1, 4]", "levels : int = 2 in [1, 100]"));
    expect(wide.code).toBe("T013");
    const perEvent = firstError(program.replace("[0, levels - 1]", "[0, value(bid_qty)]"));
    expect(perEvent.code).toBe("T005");
    expect(perEvent.message).toBe("a loop's bounds are whole-number constants or parameter expressions");
  });

  it("a comparison of constants folds to its value (every one folded to false before)", async () => {
    const ir = compiled(program.replace(/for k in \[0, levels - 1\] \{[^}]*\}/, "if 2 > 1 and 0 >= 0 { quote bid = bid, ask = ask, qty = 1 }"));
    for (const e of await engines(ir)) {
      expect(e.step(EventKind.book, 1, 1000, 1, 1010, 1)).toBe(true);
      expect(e.output(outputOf(ir, "quote_valid")), e.name).toBe(1n);
    }
  }, 60_000);
});
