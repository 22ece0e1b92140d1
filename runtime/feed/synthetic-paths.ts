import { EventKind, RECORD_SIZE } from "../event-tape.js";

export const PATH_SHAPES = ["uptrend", "downtrend", "alternating"] as const;
export type PathShape = (typeof PATH_SHAPES)[number];

/**
 * A book that moves one tick per update: up, down, or up and down in turn. The smallest move a real
 * market makes, where a recursive filter's rounding shows first. Updates are `stepNs` apart, with a
 * one-tick spread and `qty` lots on each side. Rows are [kind, t, a, b, c, d] records.
 */
export function tickPath(shape: PathShape, startBid: number, events: number, qty = 100, stepNs = 100_000_000): Float64Array {
  const out = new Float64Array(events * RECORD_SIZE);
  let bid = startBid;
  for (let i = 0; i < events; i++) {
    const at = i * RECORD_SIZE;
    out.set([EventKind.book, (i + 1) * stepNs, bid, qty, bid + 1, qty], at);
    bid += shape === "uptrend" ? 1 : shape === "downtrend" ? -1 : i % 2 === 0 ? 1 : -1;
  }
  return out;
}
