import { describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/pipeline.js";
import { interpreterEngine } from "../../targets/agreement/engine.js";

const SOURCE = `
instrument X { tick = 1 lot = 1 multiplier = 1 price in [1, 1000] ticks }
strategy S on X {
  state armed : bool = 0
  on book {
    if armed { quote bid = bid, ask = ask, qty = 1 } else { cancel }
    armed = bid > 10
  }
}`;

describe("a bool state", () => {
  it("reads as a condition and is written from one", () => {
    const c = compileSource("bool.lstep", SOURCE);
    expect(c.diagnostics.errors()).toEqual([]);
    const ir = c.ir!;
    expect(ir.state.find((s) => s.name === "armed")!.unit).toBe("bool");
    const e = interpreterEngine(ir);
    e.reset([]);
    e.step(0, 1, 20, 1, 21, 1); // arms: bid > 10, but the quote reads the state from before
    expect(e.output(0)).toBe(0n);
    e.step(0, 2, 5, 1, 6, 1); // quotes (armed), then disarms
    expect(e.output(0)).toBe(1n);
    e.step(0, 3, 5, 1, 6, 1); // disarmed: cancels
    expect(e.output(0)).toBe(0n);
  });
});
