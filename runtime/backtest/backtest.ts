import { EventKind, type EventTape } from "../event-tape.js";
import type { DepthTape } from "../feed/depth-tape.js";
import { ExchangeSim, type ExchangeConfig, type ExchangePort } from "../exchange/exchange-sim.js";
import { latencyAt, type LatencyModel } from "../exchange/latency.js";
import { LatencyKind, Liquidity, OrderAction, RecordType } from "../log/log-format.js";
import type { LogWriter } from "../log/log-writer.js";
import { OrderManager, type OrderPort } from "../orders/order-manager.js";
import type { OutputLayout } from "../orders/output-layout.js";
import type { StrategyEngine } from "../orders/strategy-engine.js";
import { Ledger } from "./ledger.js";
import { MessageQueue } from "./message-queue.js";

export interface BacktestConfig extends ExchangeConfig {
  readonly latency: LatencyModel;
}

export interface BacktestOptions {
  /** False for a program without a risk block (its orders go out unchecked). */
  readonly riskCheck: boolean;
  readonly log?: LogWriter;
  /** Called every PROGRESS_EVERY market events with how many of them the strategy has seen. */
  readonly progress?: (done: number, total: number) => void;
}

export interface BacktestResult {
  readonly events: number;
  /** Times of the first and last market events, ns. */
  readonly start: number;
  readonly end: number;
  readonly ledger: Ledger;
  readonly orders: OrderManager;
  /** Exchange replies by ReplyKind (index). */
  readonly replies: Float64Array;
  /** The last mid the strategy saw, ticks (0 before any book). */
  readonly mid: number;
  /** Fill events the engine refused as invalid (their position change is missing from the engine). */
  readonly fillsRefused: number;
  /** Messages still on the wire when the recording ended. */
  readonly inFlight: number;
}

export const PROGRESS_EVERY = 1 << 16;

// rows in flight: to the exchange [t, action, slot, id, side, price, qty, oldId]; back [t, isFill, kind, slot, id, price, qty, side, fee, leaves]
const TO_EXCHANGE = 8;
const TO_STRATEGY = 10;

/**
 * Replays a recording through the strategy, its order manager and risk check, and the exchange
 * simulator, on one clock in nanoseconds. The recording's times are when the strategy received each
 * event; the exchange saw it `feed` earlier. Orders reach the exchange `entry` after they are sent,
 * replies come back `response` after the exchange made them. Events are taken in time order; at equal
 * times: the exchange's market data, then its depth rows, then orders arriving there, then replies
 * arriving at the strategy, then its timer, then its market data. The session ends with the last
 * market event; what is still in flight then is counted, not delivered.
 *
 * The engine must be reset with its parameters before the call. Nothing is allocated per event.
 */
export function runBacktest(engine: StrategyEngine, layout: OutputLayout, tape: EventTape, depth: DepthTape | undefined, config: BacktestConfig, opts: BacktestOptions): BacktestResult {
  const b = new Backtest(engine, layout, tape, depth, config, opts);
  b.advance(tape.length, true);
  return b.result();
}

/**
 * One run's state: the three clocks' cursors, the wires both ways, the exchange and the books.
 *
 * The tape may arrive in pieces (`lockstep run` copies rows in as the feed delivers them): advance()
 * takes every step that no row still to come could precede, so a run fed row by row makes the same
 * steps in the same order as one given the whole tape. A row still to come is seen at the exchange no
 * earlier than the last row given (times never decrease, feed latency is constant), and wins ties.
 */
export class Backtest implements ExchangePort, OrderPort {
  private readonly toExchange = new MessageQueue(TO_EXCHANGE);
  private readonly toStrategy = new MessageQueue(TO_STRATEGY);
  private readonly replies = new Float64Array(8);
  private readonly ledger = new Ledger();
  private readonly orders: OrderManager;
  private readonly sim: ExchangeSim;
  private readonly log: LogWriter | undefined;
  private readonly latency: LatencyModel;
  /** Time of the last market event; Infinity until the tape is complete. */
  private end = Infinity;
  /** Rows of the tape given so far, and whether more will come. */
  private available = 0;
  private complete = false;
  /** Next row the exchange sees, next depth row, next row the strategy sees. */
  private ie = 0;
  private je = 0;
  private il = 0;
  /** When the exchange sees row ie and depth row je (Infinity after the last). */
  private exchangeTime: number;
  private depthTime: number;
  /** The strategy's timer deadline, 0 when none is armed. */
  private timer = 0;
  private mid = 0;
  private fillsRefused = 0;

  constructor(
    private readonly engine: StrategyEngine,
    private readonly layout: OutputLayout,
    private readonly tape: EventTape,
    private readonly depth: DepthTape | undefined,
    config: BacktestConfig,
    private readonly opts: BacktestOptions,
  ) {
    this.log = opts.log;
    this.latency = config.latency;
    this.orders = new OrderManager(engine, layout, opts.riskCheck, this, opts.log);
    this.sim = new ExchangeSim(config, this.orders.slots, this, depth !== undefined);
    this.exchangeTime = Infinity;
    this.depthTime = depth && depth.length > 0 ? this.seenAtExchange(depth.t[0], -Infinity) : Infinity;
  }

  /** Rows [0, available) of the tape are now filled; `complete`: no more will come. Runs every step it can. */
  advance(available: number, complete: boolean): void {
    const waiting = this.ie === this.available;
    this.available = available;
    this.complete = complete;
    if (complete) this.end = available > 0 ? this.tape.t[available - 1] : 0;
    if (waiting) this.exchangeTime = this.nextAtExchange(this.ie === 0 ? -Infinity : this.exchangeTime);
    this.steps();
  }

  private steps(): void {
    const n = this.available;
    const times = this.tape.t;
    while (this.il < n) {
      const tEx = this.exchangeTime;
      const tDepth = this.depthTime;
      const tArrive = this.toExchange.nextTime;
      const tReply = this.toStrategy.nextTime;
      const tTimer = this.timer > 0 && this.timer <= this.end ? this.timer : Infinity;
      const tLocal = times[this.il];
      if (tEx <= tDepth && tEx <= tArrive && tEx <= tReply && tEx <= tTimer && tEx <= tLocal) {
        if (this.ie === n) return; // a row still to come goes first
        this.exchangeRow(tEx);
      } else if (tDepth <= tArrive && tDepth <= tReply && tDepth <= tTimer && tDepth <= tLocal) this.depthRow();
      else if (tArrive <= tReply && tArrive <= tTimer && tArrive <= tLocal) this.arrive(tArrive);
      else if (tReply <= tTimer && tReply <= tLocal) this.deliver(tReply);
      else if (tTimer <= tLocal) this.fireTimer(tTimer);
      else this.strategyRow(tLocal);
    }
  }

  /** The figures once the tape is complete. */
  result(): BacktestResult {
    const n = this.available;
    this.opts.progress?.(n, n);
    return {
      events: n,
      start: n > 0 ? this.tape.t[0] : 0,
      end: this.end,
      ledger: this.ledger,
      orders: this.orders,
      replies: this.replies,
      mid: this.mid,
      fillsRefused: this.fillsRefused,
      inFlight: this.toExchange.length + this.toStrategy.length,
    };
  }

  /** The exchange time of an event the strategy received at `local`; never before the previous one. */
  private seenAtExchange(local: number, previous: number): number {
    return Math.max(previous, local - latencyAt(this.latency, "feed", local));
  }

  private exchangeRow(now: number): void {
    const { kind, a, b, c, d } = this.tape;
    const i = this.ie++;
    if (kind[i] === EventKind.book) this.sim.onBook(now, a[i], b[i], c[i], d[i]);
    else if (kind[i] === EventKind.trade) this.sim.onTrade(now, a[i], b[i], c[i]);
    this.exchangeTime = this.nextAtExchange(now);
  }

  /**
   * When the exchange sees row ie, the one after an exchange time `previous`: Infinity after the last
   * row; a lower bound (the last row given) while it has not arrived.
   */
  private nextAtExchange(previous: number): number {
    const t = this.tape.t;
    if (this.ie < this.available) return this.seenAtExchange(t[this.ie], previous);
    if (this.complete || this.available === 0) return Infinity;
    return this.seenAtExchange(t[this.available - 1], previous);
  }

  private depthRow(): void {
    const depth = this.depth!;
    const j = this.je++;
    this.sim.onDepth(depth.side[j], depth.price[j], depth.qty[j], depth.snapshot[j] === 1);
    this.depthTime = this.je < depth.length ? this.seenAtExchange(depth.t[this.je], this.depthTime) : Infinity;
  }

  /** An order message reaches the exchange. */
  private arrive(now: number): void {
    const r = this.toExchange.shift();
    const m = this.toExchange.data;
    const action = m[r + 1];
    if (action === OrderAction.new) this.sim.submit(now, m[r + 2], m[r + 3], m[r + 4], m[r + 5], m[r + 6]);
    else if (action === OrderAction.cancel) this.sim.cancel(now, m[r + 2], m[r + 3]);
    else this.sim.replace(now, m[r + 2], m[r + 7], m[r + 3], m[r + 4], m[r + 5], m[r + 6]);
  }

  /** A reply reaches the strategy; a fill is booked and stepped through the engine as a `fill` event. */
  private deliver(now: number): void {
    const r = this.toStrategy.shift();
    const m = this.toStrategy.data;
    const slot = m[r + 3];
    const id = m[r + 4];
    if (m[r + 1] === 0) {
      this.replies[m[r + 2]]++;
      this.orders.onReply(m[r + 2], slot, id);
      return;
    }
    const price = m[r + 5];
    const qty = m[r + 6];
    const side = m[r + 7];
    this.ledger.apply(price, qty, side, m[r + 8], m[r + 2] === Liquidity.taker);
    this.orders.onFill(slot, id, m[r + 9]);
    const valid = this.engine.step(EventKind.fill, now, price, qty, side, 0);
    if (!valid) this.fillsRefused++;
    this.afterStrategyEvent(now, valid);
  }

  private fireTimer(now: number): void {
    this.timer = 0;
    this.log?.record(RecordType.market, EventKind.timer, 0, 0, now, 0, 0, 0, 0);
    this.afterStrategyEvent(now, this.engine.step(EventKind.timer, now, 0, 0, 0, 0));
  }

  private strategyRow(now: number): void {
    const { kind, a, b, c, d } = this.tape;
    const i = this.il++;
    this.log?.record(RecordType.market, kind[i], 0, 0, now, a[i], b[i], c[i], d[i]);
    const valid = this.engine.step(kind[i], now, a[i], b[i], c[i], d[i]);
    if (valid && kind[i] === EventKind.book && a[i] > 0 && c[i] > 0) this.mid = (a[i] + c[i]) / 2;
    this.afterStrategyEvent(now, valid);
    if ((this.il & (PROGRESS_EVERY - 1)) === 0) this.opts.progress?.(this.il, this.tape.length);
  }

  /** The timer the event left armed, then the order manager's actions on its quotes. */
  private afterStrategyEvent(now: number, valid: boolean): void {
    if (!valid) return;
    if (this.layout.timerAt >= 0) this.timer = this.engine.outputs[this.layout.timerAt];
    this.orders.afterEvent(now);
  }

  // OrderPort: an accepted action goes on the wire to the exchange
  send(t: number, action: number, slot: number, id: number, side: number, price: number, qty: number, oldId: number): void {
    const entry = latencyAt(this.latency, "entry", t);
    this.log?.record(RecordType.latency, LatencyKind.entry, slot >> 1, id, t, entry, 0, 0, 0);
    const r = this.toExchange.push(t + entry);
    const m = this.toExchange.data;
    m[r + 1] = action;
    m[r + 2] = slot;
    m[r + 3] = id;
    m[r + 4] = side;
    m[r + 5] = price;
    m[r + 6] = qty;
    m[r + 7] = oldId;
  }

  // ExchangePort: replies and fills go on the wire back to the strategy
  reply(kind: number, slot: number, id: number, t: number, price: number, leaves: number): void {
    this.log?.record(RecordType.reply, kind, slot >> 1, id, t, price, leaves, 0, 0);
    const r = this.toStrategy.push(t + this.response(t));
    const m = this.toStrategy.data;
    m[r + 1] = 0;
    m[r + 2] = kind;
    m[r + 3] = slot;
    m[r + 4] = id;
  }

  fill(slot: number, id: number, t: number, price: number, qty: number, side: number, liquidity: number, fee: number, leaves: number): void {
    this.log?.record(RecordType.fill, liquidity, slot >> 1, id, t, price, qty, side, fee);
    const r = this.toStrategy.push(t + this.response(t));
    const m = this.toStrategy.data;
    m[r + 1] = 1;
    m[r + 2] = liquidity;
    m[r + 3] = slot;
    m[r + 4] = id;
    m[r + 5] = price;
    m[r + 6] = qty;
    m[r + 7] = side;
    m[r + 8] = fee;
    m[r + 9] = leaves;
  }

  private response(t: number): number {
    const ns = latencyAt(this.latency, "response", t);
    this.log?.record(RecordType.latency, LatencyKind.response, 0, 0, t, ns, 0, 0, 0);
    return ns;
  }
}
