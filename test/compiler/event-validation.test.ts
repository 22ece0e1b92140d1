import { describe, expect, it } from "vitest";
import { REJECT_REASONS } from "../../compiler/ir.js";
import { EventKind } from "../../runtime/event-tape.js";
import { compiled, engines, firstError, outputOf, stateOf } from "./all-engines.js";

/** Event fields are validated against the instrument's declared ranges, as the README says (issue 6, issue 8). */

const validationProgram = (qty: string) => `
instrument X { tick = 1 lot = 1 multiplier = 1 price in [1, 1000] ticks qty in ${qty} lots position in [-1000, 1000] lots }
strategy S on X { on book { quote bid = bid, ask = ask, qty = 10 } }
risk G on X { max_order_qty 500 }`;

describe("event validation against the instrument's declared quantity range", () => {
  it("takes a zero-quantity trade or fill when the range starts at 0", async () => {
    const ir = compiled(validationProgram("[0, 1000]"));
    for (const e of await engines(ir)) {
      expect(e.step(EventKind.trade, 1, 100, 0, 1, 0), `${e.name} trade of 0`).toBe(true);
      expect(e.step(EventKind.fill, 2, 100, 0, -1, 0), `${e.name} fill of 0`).toBe(true);
      expect(e.state(stateOf(ir, "position")), e.name).toBe(0n);
    }
  }, 60_000);

  it("refuses a trade, a fill or a book level below the declared minimum; an empty level (0) is valid", async () => {
    const ir = compiled(validationProgram("[10, 1000]"));
    for (const e of await engines(ir)) {
      expect(e.step(EventKind.trade, 1, 100, 5, 1, 0), `${e.name} trade of 5`).toBe(false);
      expect(e.step(EventKind.trade, 2, 100, 10, 1, 0), `${e.name} trade of 10`).toBe(true);
      expect(e.step(EventKind.fill, 3, 100, 9, 1, 0), `${e.name} fill of 9`).toBe(false);
      expect(e.step(EventKind.fill, 4, 100, 10, 1, 0), `${e.name} fill of 10`).toBe(true);
      expect(e.state(stateOf(ir, "position")), e.name).toBe(10n);
      expect(e.step(EventKind.book, 5, 100, 5, 101, 20), `${e.name} book level of 5`).toBe(false);
      expect(e.step(EventKind.book, 6, 100, 0, 101, 20), `${e.name} empty bid level`).toBe(true);
      expect(e.step(EventKind.book, 7, 100, 1001, 101, 20), `${e.name} book level past the maximum`).toBe(false);
    }
  }, 60_000);

  it("rejects an order below the declared minimum with reason order_qty, as it rejects 0 lots", async () => {
    const ir = compiled(validationProgram("[10, 1000]"));
    const [accept, reason] = [outputOf(ir, "accept"), outputOf(ir, "reason")];
    for (const e of await engines(ir)) {
      for (const [qty, want] of [[0, "order_qty"], [9, "order_qty"], [10, "accepted"], [501, "order_qty"]] as const) {
        expect(e.step(EventKind.order, 1, 100, qty, 1, 0), `${e.name} order of ${qty}`).toBe(true);
        expect(e.output(reason), `${e.name} order of ${qty}`).toBe(BigInt(REJECT_REASONS.indexOf(want)));
        expect(e.output(accept)).toBe(want === "accepted" ? 1n : 0n);
      }
    }
  }, 60_000);

  it("refuses a declared quantity range below 0 lots", () => {
    const e = firstError(validationProgram("[-5, 1000]"));
    expect(e.code).toBe("T004");
    expect(e.text).toBe("qty in [-5, 1000]");
  });
});
