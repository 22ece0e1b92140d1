import { describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/pipeline.js";

/** Issue 8: a fn is checked where it is inlined; an uncalled one is warned, and a primitive sees through fns. */

const source = (members: string) => `
instrument BTC { tick = 0.01 lot = 1 multiplier = 1 price in [1, 20_000_000] ticks }
strategy Maker on BTC {
  ${members}
  on book { quote bid = bid - 1, ask = ask + 1, qty = 1 }
}`;

describe("fn diagnostics", () => {
  it("warns about a fn nothing calls (its body is never checked), not about one another called fn calls", () => {
    const c = compileSource("f.lstep", source("fn broken(x) = x + nosuchname\n  fn inner() = ask - bid\n  fn outer() = inner() * 2\n  state s = ewma(outer(), halflife = 8)"));
    expect(c.diagnostics.errors()).toEqual([]);
    const warnings = c.diagnostics.items.filter((d) => d.severity === "warning");
    expect(warnings.map((w) => [w.code, w.message])).toEqual([["N018", "fn 'broken' is never called, so its body is not checked"]]);
  });

  it("a primitive follows the market values a fn it calls reads, not the fn's own parameters", () => {
    const follows = compileSource("f.lstep", source("fn spread() = ask - bid\n  state s = ewma(spread(), halflife = 8)"));
    expect(follows.diagnostics.errors()).toEqual([]);
    const own = compileSource("f.lstep", source("fn twice(bid) = bid * 2\n  state s = ewma(twice(3), halflife = 8)"));
    expect(own.diagnostics.errors().map((e) => e.code)).toEqual(["N011"]);
  });
});
