import { EventKind } from "../event-tape.js";
import { OrderAction, RecordType, ReplyKind } from "../log/log-format.js";
import type { LogWriter } from "../log/log-writer.js";
import type { OutputLayout } from "./output-layout.js";
import type { StrategyEngine } from "./strategy-engine.js";

/** Where accepted order actions go (the exchange, after the entry latency). */
export interface OrderPort {
  send(t: number, action: number, slot: number, id: number, side: number, price: number, qty: number, oldId: number): void;
}

/** Reason codes are small integers (REJECT_REASONS); an invalid order event is counted apart. */
export const MAX_REASON_CODES = 32;

/**
 * Turns quote outputs into order actions, one live order per slot: slot 2k is level k's bid, 2k + 1
 * its ask.
 *
 * After each strategy event, for every level whose quote_valid is 1 and each side: a size of 0
 * cancels the live order; no live order sends a new one; a live order at another price, or sent with
 * another size, is replaced (cancel-replace: it loses its queue position). A size that shrank only by
 * partial fills is not topped up. A level with quote_valid = 0 cancels its live orders: the compiled
 * strategy holds its last quote across events that do not quote, so 0 is the strategy's cancel (or a
 * quote it refused to emit out of range or crossed). When halt_reason is not 0 after the event, every
 * live order is cancelled.
 *
 * Every new order and replacement is first stepped through the program's risk check (an `order`
 * event, at the same time, on the same engine): only accepted ones are sent; refusals are counted by
 * reason and a refused replacement leaves the old order live. Cancels are not checked (they only
 * reduce risk).
 */
export class OrderManager {
  /** The live order of each slot as we believe it (0: none). */
  readonly liveId: Float64Array;
  readonly livePrice: Float64Array;
  readonly liveQty: Float64Array;
  /** The quote outputs of the last event, copied before the risk checks overwrite them. */
  private readonly quote: Float64Array;
  private nextId = 1;
  /** Events after which at least one level quoted. */
  quotes = 0;
  readonly sent = { new: 0, replace: 0, cancel: 0 };
  /** Risk refusals by reason code. */
  readonly rejects = new Float64Array(MAX_REASON_CODES);
  /** Order events the engine found invalid (a price or size outside the instrument's declared ranges). */
  invalidOrders = 0;

  constructor(
    private readonly engine: StrategyEngine,
    private readonly layout: OutputLayout,
    /** False for a program without a risk block: every order is sent unchecked. */
    private readonly riskCheck: boolean,
    private readonly port: OrderPort,
    private readonly log?: LogWriter,
  ) {
    const slots = layout.levels.length * 2;
    this.liveId = new Float64Array(slots);
    this.livePrice = new Float64Array(slots);
    this.liveQty = new Float64Array(slots);
    this.quote = new Float64Array(layout.levels.length * 5);
  }

  get slots(): number {
    return this.liveId.length;
  }

  /** Acts on the outputs the engine holds after a strategy event at local time t. */
  afterEvent(t: number): void {
    const out = this.engine.outputs;
    const levels = this.layout.levels;
    let quoted = false;
    for (let k = 0; k < levels.length; k++) {
      const L = levels[k];
      const q = k * 5;
      this.quote[q] = out[L.valid];
      this.quote[q + 1] = out[L.bid];
      this.quote[q + 2] = out[L.ask];
      this.quote[q + 3] = out[L.bidQty];
      this.quote[q + 4] = out[L.askQty];
      if (out[L.valid] !== 0) quoted = true;
    }
    const halted = out[this.layout.haltReason] !== 0;
    if (quoted) this.quotes++;
    if (halted) {
      this.cancelAll(t);
      return;
    }
    for (let k = 0; k < levels.length; k++) {
      const q = k * 5;
      if (this.quote[q] === 0) {
        for (const slot of [2 * k, 2 * k + 1]) if (this.liveId[slot] !== 0) this.cancel(t, slot);
        continue;
      }
      this.log?.record(RecordType.quote, 0, k, 0, t, this.quote[q + 1], this.quote[q + 2], this.quote[q + 3], this.quote[q + 4]);
      this.work(t, 2 * k, 1, this.quote[q + 1], this.quote[q + 3]);
      this.work(t, 2 * k + 1, -1, this.quote[q + 2], this.quote[q + 4]);
    }
  }

  cancelAll(t: number): void {
    for (let s = 0; s < this.liveId.length; s++) if (this.liveId[s] !== 0) this.cancel(t, s);
  }

  /** A reply from the exchange, at local time: a refused, cancelled or expired order frees its slot. */
  onReply(kind: number, slot: number, id: number): void {
    if (this.liveId[slot] !== id) return;
    if (kind === ReplyKind.postOnlyReject || kind === ReplyKind.replaceFailed || kind === ReplyKind.expired || kind === ReplyKind.canceled) this.liveId[slot] = 0;
  }

  /** A fill notice: the slot frees when nothing is left. */
  onFill(slot: number, id: number, leaves: number): void {
    if (this.liveId[slot] === id && leaves === 0) this.liveId[slot] = 0;
  }

  private work(t: number, slot: number, side: number, price: number, qty: number): void {
    const live = this.liveId[slot];
    if (qty === 0) {
      if (live !== 0) this.cancel(t, slot);
      return;
    }
    if (live !== 0 && this.livePrice[slot] === price && this.liveQty[slot] === qty) return;
    if (!this.approve(t, slot, side, price, qty)) return;
    const id = this.nextId++;
    const action = live !== 0 ? OrderAction.replace : OrderAction.new;
    if (live !== 0) this.sent.replace++;
    else this.sent.new++;
    this.log?.record(RecordType.order, action, slot >> 1, id, t, price, qty, side, live);
    this.port.send(t, action, slot, id, side, price, qty, live);
    this.liveId[slot] = id;
    this.livePrice[slot] = price;
    this.liveQty[slot] = qty;
  }

  private cancel(t: number, slot: number): void {
    const id = this.liveId[slot];
    this.sent.cancel++;
    this.log?.record(RecordType.order, OrderAction.cancel, slot >> 1, id, t, this.livePrice[slot], this.liveQty[slot], slot & 1 ? -1 : 1, 0);
    this.port.send(t, OrderAction.cancel, slot, id, 0, 0, 0, 0);
    this.liveId[slot] = 0;
  }

  /** The risk check: an `order` event on the strategy's own engine. */
  private approve(t: number, slot: number, side: number, price: number, qty: number): boolean {
    if (!this.riskCheck) return true;
    const valid = this.engine.step(EventKind.order, t, price, qty, side, 0);
    const out = this.engine.outputs;
    const accepted = valid && out[this.layout.accept] !== 0;
    const reason = valid ? out[this.layout.reason] : 0;
    this.log?.record(RecordType.verdict, accepted ? 1 : 0, slot >> 1, this.nextId, t, valid ? reason : -1, price, qty, side);
    if (!valid) this.invalidOrders++;
    else if (!accepted) this.rejects[Math.min(reason, MAX_REASON_CODES - 1)]++;
    return accepted;
  }
}
