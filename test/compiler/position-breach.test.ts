import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/pipeline.js";
import { REJECT_REASONS } from "../../compiler/ir.js";
import { EventKind } from "../../runtime/event-tape.js";
import { compiled, engines, outputOf, stateOf } from "./all-engines.js";

/**
 * A fill that takes position outside its declared range is a risk event, not a clamp: the position stays
 * exact, orders are refused, and an output says why, on every target (issue 6).
 */

const positionProgram = (killSwitch: boolean) => `
instrument X {
  tick = 1 lot = 1 multiplier = 1
  price in [1, 1000] ticks
  qty in [0, 10_000_000] lots
  position in [-1_000_000, 1_000_000] lots
}
params { max_pos : qty = 1_000_000 in [1, 1_000_000] }
strategy S on X {
  state seen : fix<24.0> lots = 0 in [-1_000_000, 1_000_000]
  on fill { seen = position }
  on book { quote bid = bid, ask = ask, qty = 1 }
}
risk G on X {
  max_position max_pos
  ${killSwitch ? "kill_switch" : ""}
  invariant abs(position) <= max_position
}`;

describe("a fill that takes position outside its declared range", () => {
  const BUY = 1;
  const SELL = -1;
  const code = (r: (typeof REJECT_REASONS)[number]) => BigInt(REJECT_REASONS.indexOf(r));

  it("keeps position exact, engages the kill switch, says why, and refuses release until back in range", async () => {
    const ir = compiled(positionProgram(true));
    const [pos, seen, kill] = [stateOf(ir, "position"), stateOf(ir, "seen"), stateOf(ir, "kill_switch")];
    // looked up when first read, so that what fails first is the behaviour, not a missing name
    const [accept, reason, halt, inv] = ["accept", "reason", "halt_reason", "invariant_0"].map((n) => () => outputOf(ir, n));
    for (const e of await engines(ir)) {
      const at = (what: string) => `${e.name}: ${what}`;
      const out = (o: () => number) => e.output(o());
      let t = 0;
      const order = (side: number, qty: number) => {
        expect(e.step(EventKind.order, ++t, 100, qty, side, 0)).toBe(true);
        return out(reason);
      };
      expect(e.step(EventKind.fill, ++t, 100, 10_000_000, BUY, 0)).toBe(true);
      expect(e.state(pos), at("position after +10,000,000")).toBe(10_000_000n);
      expect(e.state(seen), at("the strategy's view of it")).toBe(1_000_000n);
      expect(e.state(kill), at("kill switch after the breach")).toBe(1n);
      expect(out(halt), at("halt reason on the breaching fill")).toBe(2n);
      expect(out(inv), at("invariant on the exact position")).toBe(0n);

      expect(e.step(EventKind.fill, ++t, 100, 1_000_000, SELL, 0)).toBe(true);
      expect(e.state(pos), at("position after selling 1,000,000")).toBe(9_000_000n);
      expect(order(BUY, 1), at("a buy while out of range")).toBe(code("kill_switch"));
      expect(out(accept)).toBe(0n);
      expect(out(halt), at("halt reason on an order")).toBe(2n);

      expect(e.step(EventKind.kill, ++t, 0, 0, 0, 0)).toBe(true);
      expect(e.state(kill), at("release refused while out of range")).toBe(1n);
      expect(out(halt)).toBe(2n);

      expect(e.step(EventKind.fill, ++t, 100, 9_000_000, SELL, 0)).toBe(true);
      expect(e.state(pos), at("back to flat")).toBe(0n);
      expect(e.state(kill), at("the kill switch stays latched")).toBe(1n);
      expect(out(halt), at("halt reason once back in range")).toBe(1n);
      expect(order(BUY, 1)).toBe(code("kill_switch"));

      expect(e.step(EventKind.kill, ++t, 0, 0, 0, 0)).toBe(true);
      expect(e.state(kill), at("released in range")).toBe(0n);
      expect(out(halt)).toBe(0n);
      expect(order(BUY, 1), at("a buy after the release")).toBe(code("accepted"));
      expect(order(BUY, 1_000_001), at("the position limit still applies")).toBe(code("position"));
    }
  }, 60_000);

  it("without a kill switch, refuses every order while out of range with its own reason", async () => {
    const ir = compiled(positionProgram(false));
    const pos = stateOf(ir, "position");
    for (const e of await engines(ir)) {
      const out = (name: string) => e.output(outputOf(ir, name));
      expect(e.step(EventKind.fill, 1, 100, 10_000_000, BUY, 0)).toBe(true);
      expect(e.state(pos), e.name).toBe(10_000_000n);
      expect(out("halt_reason"), e.name).toBe(2n);
      expect(e.step(EventKind.fill, 2, 100, 1_000_000, SELL, 0)).toBe(true);
      expect(e.step(EventKind.order, 3, 100, 1, SELL, 0)).toBe(true);
      expect(out("reason"), `${e.name}: a sell at 9,000,000 lots`).toBe(code("position_range"));
      expect(out("halt_reason")).toBe(2n);
      expect(e.step(EventKind.fill, 4, 100, 8_500_000, SELL, 0)).toBe(true);
      expect(e.state(pos), e.name).toBe(500_000n);
      expect(e.step(EventKind.order, 5, 100, 1, BUY, 0)).toBe(true);
      expect(out("reason"), `${e.name}: back in range`).toBe(code("accepted"));
      expect(out("halt_reason")).toBe(0n);
    }
  }, 60_000);
});

describe("a max_position beyond the declared position range", () => {
  const warningsOf = (text: string) => compileSource("risk.lstep", text).diagnostics.warnings();

  it("is a warning (R009) on the limit, whose hint names the largest limit that fits", () => {
    const text = positionProgram(true).replace("in [1, 1_000_000]", "in [1, 3_000_000]");
    const [w, ...rest] = warningsOf(text);
    expect(rest).toEqual([]);
    expect(w.code).toBe("R009");
    expect(text.slice(w.span.start, w.span.end)).toBe("max_pos");
    expect(w.message).toContain("up to 3000000 lots, beyond the declared position range [-1000000, 1000000]");
    expect(w.hint).toContain("at most 1000000 lots (tighten the parameter's range)");
  });

  it("is silent when the limit fits the range, as in every example", () => {
    expect(warningsOf(positionProgram(true))).toEqual([]);
    for (const name of ["avellaneda", "glft", "grid"])
      expect(warningsOf(readFileSync(`examples/${name}.lstep`, "utf8")), name).toEqual([]);
  });
});
