import type { LatencyFigures } from "./tick-to-trade.js";

/** Nanoseconds as text with a unit that keeps 3 significant digits legible: 850 ns, 1.24 µs, 3.1 ms. */
export function formatNs(ns: number): string {
  if (ns < 1e3) return `${Math.round(ns)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toPrecision(3)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toPrecision(3)} ms`;
  return `${(ns / 1e9).toPrecision(3)} s`;
}

/** The summary's tick-to-trade line, aligned with the backtest summary's rows. */
export function renderLatency(f: LatencyFigures): string {
  const value =
    f.samples === 0
      ? "no sample (no market event sent an order)"
      : `p50 ${formatNs(f.p50Ns)}, p99 ${formatNs(f.p99Ns)}, p99.9 ${formatNs(f.p999Ns)}, max ${formatNs(f.maxNs)} (${f.samples.toLocaleString("en-US")} events that sent an order; wall clock, event in to order action out)`;
  return `  ${"tick-to-trade".padEnd(14)}${value}\n`;
}
