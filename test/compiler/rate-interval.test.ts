import { describe, expect, it } from "vitest";
import { REJECT_REASONS } from "../../compiler/ir.js";
import { EventKind } from "../../runtime/event-tape.js";
import { compiled, engines, firstError, outputOf } from "./all-engines.js";

/** A message rate whose refill interval floor(T / N) rounds to 0 ns never rejects: it is an error (issue 6). */

const rateProgram = (params: string, rule: string) => `
instrument X { tick = 1 lot = 1 multiplier = 1 price in [1, 1000] ticks qty in [0, 1000] lots }
params { ${params} }
strategy S on X { on book { quote bid = bid, ask = ask, qty = 1 } }
risk G on X {
  ${rule}
}`;

describe("a message rate whose refill interval would round to 0 ns", () => {
  it("is an error on the rule, whose hint gives the smallest period that works", () => {
    const e = firstError(rateProgram("", "max_messages 3 per 1ns"));
    expect(e.code).toBe("R008");
    expect(e.text).toBe("max_messages 3 per 1ns");
    expect(e.at).toEqual({ line: 6, col: 3 });
    expect(e.message).toContain("0 ns");
    expect(e.hint).toContain("with 3 messages the period must be at least 3ns");
    expect(e.hint).toContain("at most 1 message");
  });

  it("names the count parameter's range to tighten when the count may exceed the period", () => {
    const e = firstError(rateProgram("burst : int = 10 in [1, 100]", "max_messages burst per 50ns"));
    expect(e.code).toBe("R008");
    expect(e.message).toContain("burst = 100");
    expect(e.hint).toContain("declare burst in [1, 50]");
  });

  it("names the period parameter's range to tighten when the period may be shorter than the count", () => {
    const e = firstError(rateProgram("window : duration = 1ms in [1ns, 1s]", "max_messages 100 per window"));
    expect(e.code).toBe("R008");
    expect(e.message).toContain("window = 1ns");
    expect(e.hint).toContain("declare window in [100ns, 1s]");
  });

  it("holds for every parameter set: both ranges are named when both are parameters", () => {
    const e = firstError(
      rateProgram("burst : int = 10 in [1, 100]\n  window : duration = 1ms in [10ns, 1s]", "max_messages burst per window"),
    );
    expect(e.code).toBe("R008");
    expect(e.hint).toContain("declare window in [100ns, 1s]");
    expect(e.hint).toContain("declare burst in [1, 10]");
  });

  it("accepts the smallest period that works, and then rejects the message past the burst", async () => {
    const ir = compiled(rateProgram("", "max_messages 3 per 3ns"));
    const [accept, reason] = [outputOf(ir, "accept"), outputOf(ir, "reason")];
    for (const e of await engines(ir)) {
      expect(e.step(EventKind.book, 1, 100, 1, 101, 1)).toBe(true);
      for (let n = 0; n < 3; n++) {
        expect(e.step(EventKind.order, 10, 100, 1, 1, 0)).toBe(true);
        expect(e.output(accept), `${e.name} order ${n}`).toBe(1n);
      }
      e.step(EventKind.order, 10, 100, 1, 1, 0);
      expect(e.output(reason), e.name).toBe(BigInt(REJECT_REASONS.indexOf("message_rate")));
    }
  }, 60_000);
});
