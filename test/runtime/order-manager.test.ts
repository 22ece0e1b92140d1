import { describe, expect, it } from "vitest";
import { EventKind } from "../../runtime/event-tape.js";
import { OrderAction, ReplyKind } from "../../runtime/log/log-format.js";
import { OrderManager } from "../../runtime/orders/order-manager.js";
import { outputLayout, type OutputLayout } from "../../runtime/orders/output-layout.js";

const NAMES = ["quote_valid", "quote_bid", "quote_ask", "quote_bid_qty", "quote_ask_qty", "quote_valid_1", "quote_bid_1", "quote_ask_1", "quote_bid_qty_1", "quote_ask_qty_1", "accept", "reason", "halt_reason"];
const layout = outputLayout(NAMES) as OutputLayout;

/** An engine whose quote outputs the test sets; its risk check refuses prices above `maxPrice` with reason 6. */
function setup() {
  const outputs = new Float64Array(NAMES.length);
  const checks: string[] = [];
  const state = { maxPrice: Infinity, quote: new Float64Array(NAMES.length) };
  const engine = {
    outputs,
    step(kind: number, _t: number, a: number, b: number, c: number) {
      expect(kind).toBe(EventKind.order);
      checks.push(`${c > 0 ? "buy" : "sell"} ${b} @ ${a}`);
      outputs.fill(0);
      outputs[10] = a <= state.maxPrice ? 1 : 0;
      outputs[11] = a <= state.maxPrice ? 0 : 6;
      return true;
    },
  };
  const sent: string[] = [];
  const names = Object.fromEntries(Object.entries(OrderAction).map(([k, v]) => [v, k]));
  const om = new OrderManager(engine, layout, true, { send: (_t, action, slot, id, side, price, qty, oldId) => sent.push(`${names[action]} slot ${slot} id ${id}${action === OrderAction.cancel ? "" : ` ${side > 0 ? "buy" : "sell"} ${qty} @ ${price}`}${oldId ? ` replacing ${oldId}` : ""}`) });
  /** The strategy's outputs after an event: [valid, bid, ask, bidQty, askQty] per level, and halt_reason. */
  const event = (levels: number[][], halt = 0) => {
    outputs.fill(0);
    levels.forEach((l, k) => outputs.set(l, k * 5));
    outputs[12] = halt;
    om.afterEvent(1);
  };
  return { om, sent, checks, state, event };
}

describe("the order manager", () => {
  it("sends new orders, nothing for an unchanged quote, replaces on a new price or size, cancels on size 0 and on quote_valid = 0", () => {
    const { sent, event } = setup();
    event([[1, 100, 102, 5, 5]]);
    event([[1, 100, 102, 5, 5]]); // the same quote: no message
    event([[1, 99, 102, 5, 5]]); // the bid moves: cancel-replace
    event([[1, 99, 102, 5, 7]]); // the ask's size changes: cancel-replace
    event([[1, 99, 102, 0, 7]]); // bid size 0: cancel
    event([[1, 99, 102, 0, 7]]); // the quote held by an event that does not quote: nothing
    event([[0, 0, 0, 0, 0]]); // quote_valid = 0, the strategy's cancel: the ask goes too
    event([[0, 0, 0, 0, 0]]); // nothing left to cancel
    expect(sent).toEqual([
      "new slot 0 id 1 buy 5 @ 100",
      "new slot 1 id 2 sell 5 @ 102",
      "replace slot 0 id 3 buy 5 @ 99 replacing 1",
      "replace slot 1 id 4 sell 7 @ 102 replacing 2",
      "cancel slot 0 id 3",
      "cancel slot 1 id 4",
    ]);
  });

  it("steps every new order and replacement through the risk check; a refusal sends nothing and keeps the old order", () => {
    const { om, sent, checks, state, event } = setup();
    event([[1, 100, 102, 5, 5], [1, 98, 104, 5, 5]]);
    state.maxPrice = 103;
    event([[1, 101, 103, 5, 5], [1, 98, 105, 5, 5]]); // level 1's ask at 105 is refused: its order at 104 stays
    expect(checks).toEqual(["buy 5 @ 100", "sell 5 @ 102", "buy 5 @ 98", "sell 5 @ 104", "buy 5 @ 101", "sell 5 @ 103", "sell 5 @ 105"]);
    expect(sent.slice(4)).toEqual(["replace slot 0 id 5 buy 5 @ 101 replacing 1", "replace slot 1 id 6 sell 5 @ 103 replacing 2"]);
    expect(om.rejects[6]).toBe(1);
    expect(om.livePrice[3]).toBe(104);
  });

  it("cancels every live order when the engine halts", () => {
    const { sent, event } = setup();
    event([[1, 100, 102, 5, 5], [1, 98, 104, 5, 5]]);
    event([[1, 100, 102, 5, 5]], 1);
    expect(sent.slice(4)).toEqual(["cancel slot 0 id 1", "cancel slot 1 id 2", "cancel slot 2 id 3", "cancel slot 3 id 4"]);
  });

  it("frees a slot on a post-only reject or a full fill, but not on a partial fill", () => {
    const { om, sent, event } = setup();
    event([[1, 100, 102, 5, 5]]);
    om.onReply(ReplyKind.postOnlyReject, 0, 1);
    om.onFill(1, 2, 3); // 2 of the ask's 5 filled: the order still works, no top-up
    event([[1, 100, 102, 5, 5]]);
    om.onFill(1, 2, 0);
    event([[1, 100, 102, 5, 5]]);
    expect(sent.slice(2)).toEqual(["new slot 0 id 3 buy 5 @ 100", "new slot 1 id 4 sell 5 @ 102"]);
  });
});
