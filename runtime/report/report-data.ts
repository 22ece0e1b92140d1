import { basename } from "node:path";
import type { BacktestSummary, Units } from "../backtest/summary.js";
import { Ledger } from "../backtest/ledger.js";
import { EventKind } from "../event-tape.js";
import { formatNs } from "../latency/render-latency.js";
import type { LatencyFigures } from "../latency/tick-to-trade.js";
import { LatencyKind, Liquidity, RecordType } from "../log/log-format.js";
import type { LogReader } from "../log/log-reader.js";
import { downsampleMinMax, type Columns } from "./downsample.js";

/** Time buckets of the long series: 2 rows each, a few thousand points per line at most. */
const BUCKETS = 1500;
/** Fills drawn as points; beyond this many, an even subset (the totals stay exact). */
const MAX_FILL_POINTS = 4000;

type Series = (number | null)[];

/** Everything the page draws, in display units: seconds, prices, quantities and money of the instrument. */
export interface ReportData {
  readonly title: string;
  readonly subtitle: string;
  readonly figures: readonly { readonly label: string; readonly value: string; readonly note?: string }[];
  readonly settings: string;
  readonly downsampled: string;
  /** Per market event (downsampled): P&L marked to mid and realized after fees, inventory. */
  readonly pnl: { readonly t: Series; readonly marked: Series; readonly realized: Series; readonly position: Series };
  /** Mid and our level-0 quote per market event (downsampled), with the fills merged in as their own rows. */
  readonly quotes: { readonly t: Series; readonly mid: Series; readonly bid: Series; readonly ask: Series; readonly buys: Series; readonly sells: Series };
  /** Per fill: its edge against the mid in basis points, and the spread captured so far in money. */
  readonly spread: { readonly t: Series; readonly edgeBps: Series; readonly captured: Series };
  readonly rejects: { readonly names: readonly string[]; readonly counts: readonly number[]; readonly exchange: readonly boolean[] };
  /** Tick-to-trade samples in log-spaced buckets (10 per decade), null when the log holds none. */
  readonly latency: { readonly fromNs: readonly number[]; readonly counts: readonly number[]; readonly figures: LatencyFigures } | null;
}

const round = (x: number, digits: number) => (Number.isNaN(x) ? null : Number(x.toFixed(digits)));
const significant = (x: number) => (Number.isNaN(x) ? null : Number(x.toPrecision(6)));
/** Decimals of a step such as 0.01 or 0.00001. */
const decimals = (step: number) => Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));

/** Reads the log once and builds the page's series; the summary figures come from `summarizeLog`. */
export function reportData(log: LogReader, units: Units, s: BacktestSummary, tickToTrade: LatencyFigures, path: string): ReportData {
  const value = units.tick * units.lot;
  const priceDigits = decimals(units.tick);
  const qtyDigits = decimals(units.lot);
  const rows = { t: [] as number[], mid: [] as number[], bid: [] as number[], ask: [] as number[], marked: [] as number[], realized: [] as number[], position: [] as number[] };
  const fills = { t: [] as number[], price: [] as number[], side: [] as number[], edgeBps: [] as number[], captured: [] as number[] };
  const latencies: number[] = [];
  const ledger = new Ledger();
  let t0 = NaN;
  let t = NaN;
  let mid = NaN;
  let bid = NaN;
  let ask = NaN;
  let captured = 0;
  const pushRow = () => {
    rows.t.push((t - t0) / 1e9);
    rows.mid.push(mid * units.tick);
    rows.bid.push(bid * units.tick);
    rows.ask.push(ask * units.tick);
    rows.marked.push(Number.isNaN(mid) ? NaN : ledger.marked(mid) * value);
    rows.realized.push((ledger.realized - ledger.fees) * value);
    rows.position.push(ledger.position * units.lot);
  };
  for (let i = 0; i < log.length; i++) {
    switch (log.type(i)) {
      case RecordType.market:
        if (log.aux(i) === EventKind.timer) break;
        if (!Number.isNaN(t)) pushRow();
        t = log.t(i);
        if (Number.isNaN(t0)) t0 = t;
        if (log.aux(i) === EventKind.book && log.field(i, 0) > 0 && log.field(i, 2) > 0) mid = (log.field(i, 0) + log.field(i, 2)) / 2;
        break;
      case RecordType.quote:
        if (log.level(i) === 0) {
          bid = log.field(i, 0);
          ask = log.field(i, 1);
        }
        break;
      case RecordType.fill: {
        const price = log.field(i, 0);
        const qty = log.field(i, 1);
        const side = log.field(i, 2);
        ledger.apply(price, qty, side, log.field(i, 3), log.aux(i) === Liquidity.taker);
        const edge = Number.isNaN(mid) ? NaN : side * (mid - price);
        if (!Number.isNaN(edge)) captured += edge * qty * value;
        fills.t.push((log.t(i) - t0) / 1e9);
        fills.price.push(price * units.tick);
        fills.side.push(side);
        fills.edgeBps.push((edge / mid) * 1e4);
        fills.captured.push(captured);
        break;
      }
      case RecordType.latency:
        if (log.aux(i) === LatencyKind.wallTickToTrade && log.field(i, 0) >= 0 && log.field(i, 0) < Infinity) latencies.push(log.field(i, 0));
        break;
      default:
        break;
    }
  }
  if (!Number.isNaN(t)) pushRow();
  const f = (x: readonly number[]) => Float64Array.from(x);
  const pnl = downsampleMinMax({ x: f(rows.t), ys: [f(rows.marked), f(rows.realized), f(rows.position)] }, BUCKETS);
  const market = downsampleMinMax({ x: f(rows.t), ys: [f(rows.mid), f(rows.bid), f(rows.ask)] }, BUCKETS);
  const keep = everyNth(fills.t.length, MAX_FILL_POINTS);
  const m = log.metadata;
  const rejectNames = [...Object.keys(s.riskRejects), "post-only", "replace failed", "cancel failed", "expired"];
  const x = s.exchangeReplies;
  const rejectCounts = [...Object.values(s.riskRejects), x.postOnlyReject, x.replaceFailed, x.cancelFailed, x.expired];
  const shown = rejectCounts.map((n, i) => (n > 0 || i < Object.keys(s.riskRejects).length ? i : -1)).filter((i) => i >= 0);
  const money = (v: number) => `${v.toLocaleString("en-US", { maximumFractionDigits: 4 })}`;
  const qty = (v: number) => v.toLocaleString("en-US", { maximumFractionDigits: qtyDigits });
  return {
    title: `${m.program} on ${m.data}`,
    subtitle: `${m.instrument.name} · ${s.events.toLocaleString("en-US")} market events over ${s.marketSeconds.toFixed(1)} s · log ${basename(path)} (${log.length.toLocaleString("en-US")} records) · program SHA-256 ${log.programHashHex.slice(0, 12)}…`,
    figures: [
      { label: "P&L marked to mid", value: money(s.pnlMarkedToMid), note: `realized ${money(s.pnlRealized)} after fees` },
      { label: "Fees", value: money(s.fees), note: "negative: rebates" },
      { label: "Fills", value: s.fills.toLocaleString("en-US"), note: `${s.makerFills} maker, ${s.takerFills} taker` },
      { label: "Volume", value: qty(s.volume), note: `notional ${money(s.notional)}` },
      { label: "Inventory", value: qty(s.position), note: `range [${qty(s.minPosition)}, ${qty(s.maxPosition)}]` },
      { label: "Orders sent", value: (s.ordersSent.new + s.ordersSent.replace + s.ordersSent.cancel).toLocaleString("en-US"), note: `${s.ordersSent.new} new, ${s.ordersSent.replace} replace, ${s.ordersSent.cancel} cancel; ${s.quotes} events quoted` },
      { label: "Risk rejects", value: Object.values(s.riskRejects).reduce((a, b) => a + b, 0).toLocaleString("en-US"), note: Object.entries(s.riskRejects).map(([k, v]) => `${k} ${v}`).join(", ") || "none" },
      tickToTrade.samples > 0
        ? { label: "Tick-to-trade p99", value: formatNs(tickToTrade.p99Ns), note: `p50 ${formatNs(tickToTrade.p50Ns)}, p99.9 ${formatNs(tickToTrade.p999Ns)}, max ${formatNs(tickToTrade.maxNs)}` }
        : { label: "Tick-to-trade", value: "—", note: "not in this log (backtest --log-latency)" },
    ],
    settings: `Money in the quote currency, quantities in units of ${m.instrument.name}'s base (lot ${m.instrument.lot}, tick ${m.instrument.tick}). Simulator: ${Object.entries(m.simulator).map(([k, v]) => `${k} ${v}`).join(", ")}.`,
    downsampled: `${rows.t.length.toLocaleString("en-US")} events drawn as ${pnl.x.length.toLocaleString("en-US")} points (per time bucket, the minimum and maximum of each line)`,
    pnl: { t: col(pnl.x, 3), marked: col(pnl.ys[0], -1), realized: col(pnl.ys[1], -1), position: col(pnl.ys[2], qtyDigits) },
    quotes: mergeFills(market, fills, keep, priceDigits),
    spread: { t: keep.map((i) => round(fills.t[i], 3)), edgeBps: keep.map((i) => round(fills.edgeBps[i], 3)), captured: keep.map((i) => significant(fills.captured[i])) },
    rejects: { names: shown.map((i) => rejectNames[i]), counts: shown.map((i) => rejectCounts[i]), exchange: shown.map((i) => i >= Object.keys(s.riskRejects).length) },
    latency: latencies.length > 0 ? { ...logBuckets(latencies), figures: tickToTrade } : null,
  };
}

/** A column for the page: rounded to `digits` decimals, or to 6 significant digits when -1; NaN → null. */
function col(y: Float64Array, digits: number): Series {
  return Array.from(y, (v) => (digits < 0 ? significant(v) : round(v, digits)));
}

/** Indices 0..n-1, or an even subset of at most `max` of them. */
function everyNth(n: number, max: number): number[] {
  const step = Math.max(1, n / max);
  const out: number[] = [];
  for (let k = 0; Math.floor(k * step) < n; k++) out.push(Math.floor(k * step));
  return out;
}

/** The market rows and the fill points on one x axis (uPlot's aligned data), in time order. */
function mergeFills(market: Columns, fills: { t: number[]; price: number[]; side: number[] }, keep: number[], digits: number): ReportData["quotes"] {
  const out = { t: [] as Series, mid: [] as Series, bid: [] as Series, ask: [] as Series, buys: [] as Series, sells: [] as Series };
  let i = 0;
  let k = 0;
  while (i < market.x.length || k < keep.length) {
    const takeFill = k < keep.length && (i >= market.x.length || fills.t[keep[k]] < market.x[i]);
    if (takeFill) {
      const j = keep[k++];
      out.t.push(round(fills.t[j], 3));
      out.mid.push(null);
      out.bid.push(null);
      out.ask.push(null);
      out.buys.push(fills.side[j] > 0 ? round(fills.price[j], digits) : null);
      out.sells.push(fills.side[j] < 0 ? round(fills.price[j], digits) : null);
    } else {
      out.t.push(round(market.x[i], 3));
      out.mid.push(round(market.ys[0][i], digits + 1));
      out.bid.push(round(market.ys[1][i], digits));
      out.ask.push(round(market.ys[2][i], digits));
      out.buys.push(null);
      out.sells.push(null);
      i++;
    }
  }
  return out;
}

/** Samples counted in buckets 10^(k/10) ns wide apart, from the smallest sample's decade to the largest's. */
function logBuckets(samples: readonly number[]): { fromNs: number[]; counts: number[] } {
  const index = (ns: number) => Math.floor(Math.log10(Math.max(1, ns)) * 10);
  let lo = Infinity;
  let hi = -Infinity;
  for (const ns of samples) {
    lo = Math.min(lo, index(ns));
    hi = Math.max(hi, index(ns));
  }
  const counts = new Array<number>(hi - lo + 1).fill(0);
  for (const ns of samples) counts[index(ns) - lo]++;
  return { fromNs: counts.map((_, k) => Number((10 ** ((lo + k) / 10)).toPrecision(3))), counts };
}
