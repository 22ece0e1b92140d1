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
  const log = opts.log;
  const { latency } = config;
  const toExchange = new MessageQueue(TO_EXCHANGE);
  const toStrategy = new MessageQueue(TO_STRATEGY);
  const replies = new Float64Array(8);
  const ledger = new Ledger();

  const port: ExchangePort = {
    reply(kind, slot, id, t, price, leaves) {
      log?.record(RecordType.reply, kind, slot >> 1, id, t, price, leaves, 0, 0);
      const r = toStrategy.push(t + response(t));
      const d = toStrategy.data;
      d[r + 1] = 0;
      d[r + 2] = kind;
      d[r + 3] = slot;
      d[r + 4] = id;
    },
    fill(slot, id, t, price, qty, side, liquidity, fee, leaves) {
      log?.record(RecordType.fill, liquidity, slot >> 1, id, t, price, qty, side, fee);
      const r = toStrategy.push(t + response(t));
      const d = toStrategy.data;
      d[r + 1] = 1;
      d[r + 2] = liquidity;
      d[r + 3] = slot;
      d[r + 4] = id;
      d[r + 5] = price;
      d[r + 6] = qty;
      d[r + 7] = side;
      d[r + 8] = fee;
      d[r + 9] = leaves;
    },
  };
  const sender: OrderPort = {
    send(t, action, slot, id, side, price, qty, oldId) {
      const entry = latencyAt(latency, "entry", t);
      log?.record(RecordType.latency, LatencyKind.entry, slot >> 1, id, t, entry, 0, 0, 0);
      const r = toExchange.push(t + entry);
      const d = toExchange.data;
      d[r + 1] = action;
      d[r + 2] = slot;
      d[r + 3] = id;
      d[r + 4] = side;
      d[r + 5] = price;
      d[r + 6] = qty;
      d[r + 7] = oldId;
    },
  };
  function response(t: number): number {
    const ns = latencyAt(latency, "response", t);
    log?.record(RecordType.latency, LatencyKind.response, 0, 0, t, ns, 0, 0, 0);
    return ns;
  }

  const orders = new OrderManager(engine, layout, opts.riskCheck, sender, log);
  const sim = new ExchangeSim(config, orders.slots, port, depth !== undefined);
  const n = tape.length;
  const nd = depth?.length ?? 0;
  const { kind, t, a, b, c, d } = tape;
  const end = n > 0 ? t[n - 1] : 0;
  let ie = 0; // next row the exchange sees
  let je = 0; // next depth row
  let il = 0; // next row the strategy sees
  let exchangeTime = n > 0 ? t[0] - latencyAt(latency, "feed", t[0]) : Infinity;
  let depthTime = nd > 0 ? depth!.t[0] - latencyAt(latency, "feed", depth!.t[0]) : Infinity;
  let timer = 0;
  let mid = 0;
  let fillsRefused = 0;

  // returns the timer deadline after the event; a closure assigning `timer` would box it on every event
  const afterStrategyEvent = (now: number, valid: boolean, armed: number): number => {
    if (!valid) return armed;
    const next = layout.timerAt >= 0 ? engine.outputs[layout.timerAt] : 0;
    orders.afterEvent(now);
    return next;
  };

  while (il < n) {
    const tArrive = toExchange.nextTime;
    const tReply = toStrategy.nextTime;
    const tTimer = timer > 0 && timer <= end ? timer : Infinity;
    const tLocal = t[il];
    if (exchangeTime <= depthTime && exchangeTime <= tArrive && exchangeTime <= tReply && exchangeTime <= tTimer && exchangeTime <= tLocal && exchangeTime !== Infinity) {
      const k = kind[ie];
      if (k === EventKind.book) sim.onBook(exchangeTime, a[ie], b[ie], c[ie], d[ie]);
      else if (k === EventKind.trade) sim.onTrade(exchangeTime, a[ie], b[ie], c[ie]);
      ie++;
      exchangeTime = ie < n ? Math.max(exchangeTime, t[ie] - latencyAt(latency, "feed", t[ie])) : Infinity;
    } else if (depthTime <= tArrive && depthTime <= tReply && depthTime <= tTimer && depthTime <= tLocal && depthTime !== Infinity) {
      sim.onDepth(depth!.side[je], depth!.price[je], depth!.qty[je], depth!.snapshot[je] === 1);
      je++;
      depthTime = je < nd ? Math.max(depthTime, depth!.t[je] - latencyAt(latency, "feed", depth!.t[je])) : Infinity;
    } else if (tArrive <= tReply && tArrive <= tTimer && tArrive <= tLocal && tArrive !== Infinity) {
      const r = toExchange.shift();
      const m = toExchange.data;
      const slot = m[r + 2];
      const action = m[r + 1];
      if (action === OrderAction.new) sim.submit(tArrive, slot, m[r + 3], m[r + 4], m[r + 5], m[r + 6]);
      else if (action === OrderAction.cancel) sim.cancel(tArrive, slot, m[r + 3]);
      else sim.replace(tArrive, slot, m[r + 7], m[r + 3], m[r + 4], m[r + 5], m[r + 6]);
    } else if (tReply <= tTimer && tReply <= tLocal && tReply !== Infinity) {
      const r = toStrategy.shift();
      const m = toStrategy.data;
      const slot = m[r + 3];
      const id = m[r + 4];
      if (m[r + 1] === 0) {
        replies[m[r + 2]]++;
        orders.onReply(m[r + 2], slot, id);
        continue;
      }
      const price = m[r + 5];
      const qty = m[r + 6];
      const side = m[r + 7];
      ledger.apply(price, qty, side, m[r + 8], m[r + 2] === Liquidity.taker);
      orders.onFill(slot, id, m[r + 9]);
      const valid = engine.step(EventKind.fill, tReply, price, qty, side, 0);
      if (!valid) fillsRefused++;
      timer = afterStrategyEvent(tReply, valid, timer);
    } else if (tTimer <= tLocal && tTimer !== Infinity) {
      timer = afterStrategyEvent(tTimer, engine.step(EventKind.timer, tTimer, 0, 0, 0, 0), 0);
    } else {
      const k = kind[il];
      log?.record(RecordType.market, k, 0, 0, tLocal, a[il], b[il], c[il], d[il]);
      const valid = engine.step(k, tLocal, a[il], b[il], c[il], d[il]);
      if (valid && k === EventKind.book && a[il] > 0 && c[il] > 0) mid = (a[il] + c[il]) / 2;
      timer = afterStrategyEvent(tLocal, valid, timer);
      il++;
      if ((il & (PROGRESS_EVERY - 1)) === 0) opts.progress?.(il, n);
    }
  }
  opts.progress?.(n, n);
  return {
    events: n,
    start: n > 0 ? t[0] : 0,
    end,
    ledger,
    orders,
    replies,
    mid,
    fillsRefused,
    inFlight: toExchange.length + toStrategy.length,
  };
}
