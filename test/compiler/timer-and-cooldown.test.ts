import { describe, expect, it } from "vitest";
import { EventKind } from "../../runtime/event-tape.js";
import { compiled, engines, firstError, outputOf, stateOf } from "./all-engines.js";

/** Issue 8: a timer the strategy arms (`timer after D`) and a cooldown after a fill (`since_fill`). */

const program = `
instrument X { tick = 1 lot = 1 multiplier = 1 price in [1, 100000] ticks qty in [0, 1000] lots position in [-1000, 1000] lots }
params { cooldown : duration = 500ms in [0ns, 10s] }
strategy S on X {
  state pulled : bool = false
  state wakeups : int = 0 in [0, 1000]
  on fill {
    pulled = true
    cancel
    timer after cooldown
  }
  on timer {
    pulled = false
    wakeups = sat(wakeups + 1)
  }
  on book {
    if not pulled and since_fill >= cooldown { quote bid = bid - 1, ask = ask + 1, qty = 1 }
  }
}`;

const MS = 1_000_000;

describe("a timer and a cooldown", () => {
  it("on timer runs once, when due; since_fill counts from the last fill; timer_at tells the runtime when", async () => {
    const ir = compiled(program);
    const [valid, timerAt] = [outputOf(ir, "quote_valid"), outputOf(ir, "timer_at")];
    const [pulled, wakeups] = [stateOf(ir, "pulled"), stateOf(ir, "wakeups")];
    for (const e of await engines(ir)) {
      const book = (ms: number) => expect(e.step(EventKind.book, ms * MS, 100, 1, 102, 1), `${e.name} book at ${ms} ms`).toBe(true);
      book(100);
      expect(e.output(valid), `${e.name}: no fill yet, 100 ms since the start`).toBe(0n);
      book(600);
      expect(e.output(valid), `${e.name}: 600 ms since the start`).toBe(1n);
      expect(e.step(EventKind.fill, 1000 * MS, 100, 1, 1, 0)).toBe(true);
      expect(e.output(timerAt), e.name).toBe(BigInt(1500 * MS));
      book(1200);
      expect(e.output(valid), `${e.name}: pulled`).toBe(0n);
      expect(e.step(EventKind.timer, 1400 * MS, 0, 0, 0, 0)).toBe(true);
      expect(e.state(pulled), `${e.name}: a timer event before the deadline runs nothing`).toBe(1n);
      expect(e.output(timerAt), e.name).toBe(BigInt(1500 * MS));
      expect(e.step(EventKind.timer, 1600 * MS, 0, 0, 0, 0)).toBe(true);
      expect(e.state(pulled), e.name).toBe(0n);
      expect(e.output(timerAt), `${e.name}: disarmed`).toBe(0n);
      expect(e.step(EventKind.timer, 1700 * MS, 0, 0, 0, 0)).toBe(true);
      expect(e.state(wakeups), `${e.name}: once`).toBe(1n);
      book(1300 + 450);
      expect(e.output(valid), `${e.name}: 750 ms after the fill`).toBe(1n);
    }
  }, 60_000);

  it("a delay that is not a duration is a located error", () => {
    const e = firstError(program.replace("timer after cooldown", "timer after 5"));
    expect(e.code).toBe("U001");
    expect(e.text).toBe("5");
    expect(e.message).toBe("a timer's delay is a duration, found a plain number");
  });

  it("programs that use neither pay nothing: no timer_deadline or last_fill_time state, no timer_at output", () => {
    const plain = compiled(program.replace("timer after cooldown", "").replace("and since_fill >= cooldown", ""));
    expect(plain.state.map((s) => s.name)).not.toContain("timer_deadline");
    expect(plain.state.map((s) => s.name)).not.toContain("last_fill_time");
    expect(plain.outputs.map((o) => o.name)).not.toContain("timer_at");
  });
});
