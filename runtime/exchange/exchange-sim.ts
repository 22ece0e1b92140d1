import { Liquidity, ReplyKind } from "../log/log-format.js";
import { aheadAfterLevelChange, type QueueModel } from "./queue-model.js";

/** The simulated venue's rules, fixed for a run. */
export interface ExchangeConfig {
  readonly queue: QueueModel;
  /** Refuse an order that would cross the book (the usual market-maker setting, Binance's GTX). */
  readonly postOnly: boolean;
  /** Fees in basis points of the notional; negative is a rebate. */
  readonly makerFeeBps: number;
  readonly takerFeeBps: number;
}

/** Where the exchange's messages go: the backtest delays them by the response latency. */
export interface ExchangePort {
  reply(kind: number, slot: number, id: number, t: number, price: number, leaves: number): void;
  /** `fee` in tick·lot units (price × qty × bps / 10^4); `leaves` after this fill. */
  fill(slot: number, id: number, t: number, price: number, qty: number, side: number, liquidity: number, fee: number, leaves: number): void;
}

/**
 * A matching engine for our own orders against a recorded market, one live order per slot (a side of
 * a quote level), with hftbacktest's price-time queue position:
 *
 * - An order joining a level gets everything already there ahead of it. Book-only data (L1) knows the
 *   size at the best price only: an order deeper than the best bid or ask has an unknown queue until
 *   its price becomes the best, when it takes the whole level as ahead; with depth (L2) the level's
 *   size is known at once. An order better than the best is first in its queue.
 * - A trade at our price by an aggressor on the other side consumes `ahead` first; what exceeds it fills
 *   us (a partial fill when the excess is smaller than what we have left). A trade beyond our price, or
 *   the opposite best price reaching ours, fills all we have left at our price (we were the better
 *   price). Fills against a resting order pay the maker fee.
 * - Other changes of the level's size move `ahead` as the queue model says.
 * - A new order that would cross: refused when post-only; otherwise it takes the opposite best level,
 *   up to that level's size, at its price (taker fee), and the rest expires.
 */
export class ExchangeSim {
  bestBid = 0;
  bidQty = 0;
  bestAsk = 0;
  askQty = 0;
  readonly live: Uint8Array;
  readonly id: Float64Array;
  readonly side: Int8Array;
  readonly price: Float64Array;
  readonly leaves: Float64Array;
  /** Lots ahead of us in the queue; Infinity while unknown (L1, deeper than the best). */
  readonly ahead: Float64Array;
  /** The level's size when last observed; NaN before the first observation. */
  private readonly seen: Float64Array;
  /** Lots traded at our price since the level was last observed (the probabilistic model's correction). */
  private readonly traded: Float64Array;
  /** Depth (L2) levels, price -> lots, when the recording has them. */
  private readonly bids = new Map<number, number>();
  private readonly asks = new Map<number, number>();

  constructor(
    private readonly config: ExchangeConfig,
    slots: number,
    private readonly port: ExchangePort,
    private readonly depth: boolean,
  ) {
    this.live = new Uint8Array(slots);
    this.id = new Float64Array(slots);
    this.side = new Int8Array(slots);
    this.price = new Float64Array(slots);
    this.leaves = new Float64Array(slots);
    this.ahead = new Float64Array(slots);
    this.seen = new Float64Array(slots);
    this.traded = new Float64Array(slots);
  }

  onBook(t: number, bid: number, bidQty: number, ask: number, askQty: number): void {
    this.bestBid = bid;
    this.bidQty = bidQty;
    this.bestAsk = ask;
    this.askQty = askQty;
    if (this.depth) {
      this.bids.set(bid, bidQty);
      this.asks.set(ask, askQty);
    }
    for (let s = 0; s < this.live.length; s++) {
      if (!this.live[s]) continue;
      const p = this.price[s];
      if (this.side[s] > 0) {
        if (ask > 0 && ask <= p) this.execute(s, t, p, this.leaves[s], Liquidity.maker);
        else if (bid === p) this.observe(s, bidQty);
        else if (bid > 0 && bid < p) this.observe(s, 0);
      } else {
        if (bid > 0 && bid >= p) this.execute(s, t, p, this.leaves[s], Liquidity.maker);
        else if (ask === p) this.observe(s, askQty);
        else if (ask > 0 && ask > p) this.observe(s, 0);
      }
    }
  }

  /** `aggressor` +1: a buyer lifted asks; -1: a seller hit bids. */
  onTrade(t: number, price: number, qty: number, aggressor: number): void {
    for (let s = 0; s < this.live.length; s++) {
      if (!this.live[s] || this.side[s] !== -aggressor) continue;
      const p = this.price[s];
      const through = this.side[s] > 0 ? price < p : price > p;
      if (through) this.execute(s, t, p, this.leaves[s], Liquidity.maker);
      else if (price === p && Number.isFinite(this.ahead[s])) {
        const excess = qty - this.ahead[s];
        this.ahead[s] = Math.max(0, -excess);
        this.traded[s] += qty;
        if (excess > 0) this.execute(s, t, p, Math.min(this.leaves[s], excess), Liquidity.maker);
      }
    }
  }

  /**
   * One depth row (L2): the level `price` on `side` now holds `qty` lots. A snapshot row first clears
   * its side; orders whose level is absent from a snapshot keep their queue until the level is next seen.
   */
  onDepth(side: number, price: number, qty: number, snapshot: boolean): void {
    const levels = side > 0 ? this.bids : this.asks;
    if (snapshot) levels.clear();
    if (qty === 0) levels.delete(price);
    else levels.set(price, qty);
    for (let s = 0; s < this.live.length; s++) if (this.live[s] && this.side[s] === side && this.price[s] === price) this.observe(s, qty);
  }

  /** A new order reaches the exchange. */
  submit(t: number, slot: number, id: number, side: number, price: number, qty: number): void {
    const crosses = side > 0 ? this.bestAsk > 0 && price >= this.bestAsk : this.bestBid > 0 && price <= this.bestBid;
    if (crosses) {
      if (this.config.postOnly) {
        this.port.reply(ReplyKind.postOnlyReject, slot, id, t, price, qty);
        return;
      }
      const [px, available] = side > 0 ? [this.bestAsk, this.askQty] : [this.bestBid, this.bidQty];
      const taken = Math.min(qty, available);
      if (taken > 0) this.port.fill(slot, id, t, px, taken, side, Liquidity.taker, this.fee(px, taken, Liquidity.taker), qty - taken);
      if (qty > taken) this.port.reply(ReplyKind.expired, slot, id, t, price, qty - taken);
      return;
    }
    this.live[slot] = 1;
    this.id[slot] = id;
    this.side[slot] = side;
    this.price[slot] = price;
    this.leaves[slot] = qty;
    this.traded[slot] = 0;
    const level = this.levelAt(side, price);
    this.ahead[slot] = level;
    this.seen[slot] = Number.isFinite(level) ? level : NaN;
    this.port.reply(ReplyKind.accepted, slot, id, t, price, qty);
  }

  cancel(t: number, slot: number, id: number): void {
    if (this.live[slot] && this.id[slot] === id) {
      this.live[slot] = 0;
      this.port.reply(ReplyKind.canceled, slot, id, t, this.price[slot], this.leaves[slot]);
    } else this.port.reply(ReplyKind.cancelFailed, slot, id, t, 0, 0);
  }

  /** Cancel-replace: the old order leaves the book and the new one joins at the back; nothing if the old one is gone. */
  replace(t: number, slot: number, oldId: number, id: number, side: number, price: number, qty: number): void {
    if (!(this.live[slot] && this.id[slot] === oldId)) {
      this.port.reply(ReplyKind.replaceFailed, slot, id, t, price, 0);
      return;
    }
    this.live[slot] = 0;
    this.submit(t, slot, id, side, price, qty);
  }

  /** The queue a new order at `price` joins: the level's size, 0 if better than the best, Infinity if unknown. */
  private levelAt(side: number, price: number): number {
    const best = side > 0 ? this.bestBid : this.bestAsk;
    if (best === 0) return this.depth ? ((side > 0 ? this.bids : this.asks).get(price) ?? 0) : Infinity;
    if (price === best) return side > 0 ? this.bidQty : this.askQty;
    if (side > 0 ? price > best : price < best) return 0;
    return this.depth ? ((side > 0 ? this.bids : this.asks).get(price) ?? 0) : Infinity;
  }

  private observe(s: number, qty: number): void {
    const prev = this.seen[s];
    this.ahead[s] = Number.isNaN(prev) ? Math.min(this.ahead[s], qty) : aheadAfterLevelChange(this.config.queue, this.ahead[s], prev, qty, this.traded[s]);
    this.seen[s] = qty;
    this.traded[s] = 0;
  }

  private execute(s: number, t: number, price: number, qty: number, liquidity: number): void {
    this.leaves[s] -= qty;
    if (this.leaves[s] === 0) this.live[s] = 0;
    this.port.fill(s, this.id[s], t, price, qty, this.side[s], liquidity, this.fee(price, qty, liquidity), this.leaves[s]);
  }

  private fee(price: number, qty: number, liquidity: number): number {
    return (price * qty * (liquidity === Liquidity.maker ? this.config.makerFeeBps : this.config.takerFeeBps)) / 10_000;
  }
}
