import { ReplyKind, type ReplyKindName } from "../log/log-format.js";
import type { BacktestResult } from "./backtest.js";

/** How to turn ticks and lots into the instrument's units; value = ticks × lots × tick × lot. */
export interface Units {
  readonly tick: number;
  readonly lot: number;
  /** Names of the risk check's reason codes, by code. */
  readonly reasons: readonly string[];
}

/** The figures of a backtest, in the instrument's units: what `--format json` prints. */
export interface BacktestSummary {
  readonly events: number;
  readonly marketSeconds: number;
  readonly wallSeconds: number;
  readonly eventsPerSecond: number;
  readonly pnlRealized: number;
  readonly pnlMarkedToMid: number;
  readonly fees: number;
  readonly mid: number;
  readonly volume: number;
  readonly notional: number;
  readonly fills: number;
  readonly makerFills: number;
  readonly takerFills: number;
  readonly position: number;
  readonly minPosition: number;
  readonly maxPosition: number;
  readonly quotes: number;
  readonly ordersSent: { readonly new: number; readonly replace: number; readonly cancel: number };
  readonly riskRejects: Readonly<Record<string, number>>;
  readonly invalidOrders: number;
  readonly exchangeReplies: Readonly<Record<string, number>>;
  readonly fillsRefusedByEngine: number;
  readonly inFlightAtEnd: number;
}

/**
 * x × step, where the step is usually 10^-k: dividing by the whole reciprocal rounds once
 * (15 lots × 0.00001 would print 0.015000000000000001; 15 / 100000 is 0.015).
 */
function scaled(x: number, step: number): number {
  const inverse = Math.round(1 / step);
  return Math.abs(inverse * step - 1) < 1e-12 ? x / inverse : x * step;
}

export function summarize(r: BacktestResult, units: Units, wallSeconds: number): BacktestSummary {
  const value = units.tick * units.lot;
  const money = (x: number) => scaled(x, value);
  const lots = (x: number) => scaled(x, units.lot);
  const L = r.ledger;
  const riskRejects: Record<string, number> = {};
  r.orders.rejects.forEach((n, code) => {
    if (n > 0) riskRejects[units.reasons[code] ?? `reason ${code}`] = n;
  });
  const exchangeReplies: Record<string, number> = {};
  for (const name of Object.keys(ReplyKind) as ReplyKindName[]) exchangeReplies[name] = r.replies[ReplyKind[name]];
  return {
    events: r.events,
    marketSeconds: (r.end - r.start) / 1e9,
    wallSeconds,
    eventsPerSecond: wallSeconds > 0 ? r.events / wallSeconds : 0,
    // realized against the average cost, after every fee paid
    pnlRealized: money(L.realized - L.fees),
    pnlMarkedToMid: money(L.marked(r.mid)),
    fees: money(L.fees),
    mid: scaled(r.mid, units.tick),
    volume: lots(L.volume),
    notional: money(L.notional),
    fills: L.fills,
    makerFills: L.makerFills,
    takerFills: L.takerFills,
    position: lots(L.position),
    minPosition: lots(L.minPosition),
    maxPosition: lots(L.maxPosition),
    quotes: r.orders.quotes,
    ordersSent: { ...r.orders.sent },
    riskRejects,
    invalidOrders: r.orders.invalidOrders,
    exchangeReplies,
    fillsRefusedByEngine: r.fillsRefused,
    inFlightAtEnd: r.inFlight,
  };
}

const num = (x: number, digits = 2) => x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });

/** The summary as aligned lines for a terminal. */
export function renderSummary(s: BacktestSummary, title: string): string {
  const rejects = Object.entries(s.riskRejects);
  const rejectTotal = rejects.reduce((n, [, v]) => n + v, 0);
  const x = s.exchangeReplies;
  const rows: [string, string][] = [
    ["events", `${num(s.events, 0)} over ${num(s.marketSeconds, 1)} s of market time; ${num(s.eventsPerSecond / 1e6, 2)} M events/s (${num(s.wallSeconds, 3)} s)`],
    ["P&L", `marked to mid ${num(s.pnlMarkedToMid, 4)}, realized ${num(s.pnlRealized, 4)} (after fees; mid ${num(s.mid, 8)})`],
    ["fees", num(s.fees, 4)],
    ["fills", `${num(s.fills, 0)} (${num(s.makerFills, 0)} maker, ${num(s.takerFills, 0)} taker); volume ${num(s.volume, 8)}, notional ${num(s.notional, 2)}`],
    ["inventory", `final ${num(s.position, 8)}, range [${num(s.minPosition, 8)}, ${num(s.maxPosition, 8)}]`],
    ["quotes", `${num(s.quotes, 0)} events quoted; orders sent ${num(s.ordersSent.new, 0)} new, ${num(s.ordersSent.replace, 0)} replace, ${num(s.ordersSent.cancel, 0)} cancel`],
    ["risk rejects", rejectTotal === 0 ? "none" : `${num(rejectTotal, 0)} (${rejects.map(([k, v]) => `${k} ${num(v, 0)}`).join(", ")})`],
    ["exchange", `post-only rejects ${num(x.postOnlyReject, 0)}, replace failed ${num(x.replaceFailed, 0)}, cancel failed ${num(x.cancelFailed, 0)}, expired ${num(x.expired, 0)}`],
  ];
  if (s.invalidOrders) rows.push(["invalid orders", `${num(s.invalidOrders, 0)} order events outside the instrument's declared ranges (not sent)`]);
  if (s.fillsRefusedByEngine) rows.push(["engine", `${num(s.fillsRefusedByEngine, 0)} fill events refused as invalid: the engine's position misses them`]);
  if (s.inFlightAtEnd) rows.push(["in flight", `${num(s.inFlightAtEnd, 0)} messages still on the wire at the end (not delivered)`]);
  const w = Math.max(...rows.map(([k]) => k.length));
  return `${title}\n${rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join("\n")}\n`;
}
