import { describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/pipeline.js";

/** One failed declaration is reported once, at its root; its uses are not reported again (issue 8). */

const H = "instrument X { tick = 0.01 lot = 1 multiplier = 1 price in [1, 100000] ticks qty in [0, 1000] lots position in [-1000, 1000] lots }";
const strategy = (state: string) => `${H}
strategy S on X {
  ${state}
  on book {
    let a = s * 2
    quote bid = bid - price(a), ask = ask + price(s), qty = 1 }
}`;

describe("a state whose declaration fails", () => {
  for (const [what, decl, code] of [
    ["an unknown function", "state s : fix<8.8> = emwa(mid) in [0, 10]", "N003"],
    ["an ewma without its half-life", "state s = ewma(mid)", "N005"],
    ["an unknown type", "state s : fixed = 0", "T002"],
    ["a missing type", "state s = 0", "T011"],
  ])
    it(`(${what}) is one error, not one more per use`, () => {
      const errors = compileSource("c.lstep", strategy(decl)).diagnostics.errors();
      expect(errors.map((e) => e.code)).toEqual([code]);
    });
});
