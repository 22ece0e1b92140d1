import type { BacktestResult } from "../backtest/backtest.js";
import { Ledger } from "../backtest/ledger.js";
import { summarize, type BacktestSummary, type Units } from "../backtest/summary.js";
import { EventKind } from "../event-tape.js";
import { latencyFigures, latencyHistogram, recordNs, type LatencyFigures } from "../latency/tick-to-trade.js";
import { LatencyKind, Liquidity, OrderAction, RecordType } from "../log/log-format.js";
import type { LogReader } from "../log/log-reader.js";
import { OrderManager } from "../orders/order-manager.js";
import { outputLayout } from "../orders/output-layout.js";

/** What a log says about its run: the backtest's summary figures and the tick-to-trade percentiles. */
export interface LogSummary {
  readonly summary: BacktestSummary;
  readonly tickToTrade: LatencyFigures;
}

/** The instrument's tick and lot from the log's metadata, with the risk check's reason names. */
export function logUnits(log: LogReader, reasons: readonly string[]): Units {
  return { tick: Number(log.metadata.instrument.tick), lot: Number(log.metadata.instrument.lot), reasons };
}

/** What makes a log's metadata unusable for a summary, or undefined: a log not written by a backtest. */
export function logLayoutProblem(log: LogReader): string | undefined {
  const m = log.metadata;
  if (!Array.isArray(m.outputs) || typeof m.instrument?.tick !== "string" || typeof m.instrument?.lot !== "string" || !(Number(m.instrument.tick) > 0 && Number(m.instrument.lot) > 0))
    return "the metadata lacks the program's outputs or the instrument's tick and lot";
  const layout = outputLayout(m.outputs);
  return "error" in layout ? `the program's outputs: ${layout.error}` : undefined;
}

/** Index of the last market record, -1 when there is none: the run ends there. */
function lastMarket(log: LogReader): number {
  for (let i = log.length - 1; i >= 0; i--) if (log.type(i) === RecordType.market) return i;
  return -1;
}

/**
 * The backtest's figures recomputed from its log alone, the way the run counted them: a fill or reply
 * counts once delivered to the strategy (its time plus the response latency logged right after it, in
 * order on the connection) no later than the last market event; what was still on the wire then is in
 * flight. Order actions, verdicts and quotes are counted from their records; the last mid is that of
 * the last book with both sides. One thing the log does not hold: fills the engine refused as invalid
 * (reported as 0).
 *
 * The counters live in the same objects the backtest uses (a ledger, an order manager that sends
 * nothing), so `summarize` turns them into the same figures with the same rounding.
 */
export function summarizeLog(log: LogReader, units: Units): LogSummary {
  const outputs = outputLayout(log.metadata.outputs);
  if ("error" in outputs) throw new Error(`the log's program outputs: ${outputs.error} (check with logLayoutProblem first)`);
  const orders = new OrderManager({ step: () => false, outputs: new Float64Array(0) }, outputs, false, { send: () => {} });
  const ledger = new Ledger();
  const replies = new Float64Array(8);
  const tickToTrade = latencyHistogram();
  const last = lastMarket(log);
  const end = last >= 0 ? log.t(last) : 0;
  let start = NaN;
  let events = 0;
  let mid = 0;
  let inFlight = 0;
  // the connection's last arrival each way (a message never overtakes the one before it)
  let toExchange = -Infinity;
  let toStrategy = -Infinity;
  // the fill or reply whose response latency comes next, -1 when none
  let waiting = -1;
  // the level of the last quote record since the last market record, -1 when none
  let quoteLevel = -1;
  for (let i = 0; i < log.length; i++) {
    const type = log.type(i);
    switch (type) {
      case RecordType.market: {
        // a timer event is logged as a market record too; the recording's events are the others
        if (log.aux(i) !== EventKind.timer) events++;
        if (Number.isNaN(start)) start = log.t(i);
        const a = log.field(i, 0);
        const c = log.field(i, 2);
        if (log.aux(i) === EventKind.book && a > 0 && c > 0) mid = (a + c) / 2;
        quoteLevel = -1;
        break;
      }
      case RecordType.quote:
        // one event's quote records come in increasing level; a level not above the last starts another event
        if (log.level(i) <= quoteLevel || quoteLevel < 0) orders.quotes++;
        quoteLevel = log.level(i);
        break;
      case RecordType.order: {
        const action = log.aux(i);
        if (action === OrderAction.new) orders.sent.new++;
        else if (action === OrderAction.replace) orders.sent.replace++;
        else orders.sent.cancel++;
        break;
      }
      case RecordType.verdict:
        if (log.field(i, 0) < 0) orders.invalidOrders++;
        else if (log.aux(i) === 0) orders.rejects[Math.min(log.field(i, 0), orders.rejects.length - 1)]++;
        break;
      case RecordType.fill:
      case RecordType.reply:
        waiting = i;
        break;
      case RecordType.latency:
        if (log.aux(i) === LatencyKind.entry) {
          toExchange = Math.max(toExchange, log.t(i) + log.field(i, 0));
          if (i > last || toExchange > end) inFlight++;
        } else if (log.aux(i) === LatencyKind.response && waiting >= 0) {
          toStrategy = Math.max(toStrategy, log.t(i) + log.field(i, 0));
          if (i > last || toStrategy > end) inFlight++;
          else deliver(log, waiting, ledger, replies);
          waiting = -1;
        } else if (log.aux(i) === LatencyKind.wallTickToTrade) recordNs(tickToTrade, log.field(i, 0));
        break;
      default:
        break;
    }
  }
  const result: BacktestResult = { events, start: events > 0 ? start : 0, end, ledger, orders, replies, mid, fillsRefused: 0, inFlight };
  return { summary: summarize(result, units, 0), tickToTrade: latencyFigures(tickToTrade) };
}

function deliver(log: LogReader, i: number, ledger: Ledger, replies: Float64Array): void {
  if (log.type(i) === RecordType.reply) replies[log.aux(i)]++;
  else ledger.apply(log.field(i, 0), log.field(i, 1), log.field(i, 2), log.field(i, 3), log.aux(i) === Liquidity.taker);
}
