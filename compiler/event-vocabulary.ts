/**
 * The engine's input vocabulary: part of the IR's definitions (handlers are keyed by these kinds), and
 * shared by every target, the harness, the runtime's feed codecs and benchmarks. It lives here, not in
 * runtime/, so that the compiler never imports the runtime.
 *
 * Every event carries a time `t` in nanoseconds since the session start and up to three integer
 * fields. Prices are in ticks, quantities in lots, sides are +1 (buy) or -1 (sell).
 */
export const EventKind = {
  book: 0, // a = bid price, b = bid qty, c = ask price, d = ask qty
  trade: 1, // a = price, b = qty, c = aggressor side (+1 buyer lifted the ask, -1 seller hit the bid)
  fill: 2, // a = price, b = qty, c = our side (+1 we bought, -1 we sold)
  timer: 3, // no fields
  order: 4, // a = price, b = qty, c = side: an outgoing order for the risk check
  kill: 5, // a = 1 engages the kill switch, 0 releases it
} as const;
export type EventKindName = keyof typeof EventKind;
export const EVENT_KIND_NAMES: readonly EventKindName[] = ["book", "trade", "fill", "timer", "order", "kill"];

/** One event as plain fields (a row of a tape). */
export interface EventFields {
  readonly kind: number;
  readonly t: number;
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
}


/**
 * Row layout of one event in a Float64Array, as rings and batch steppers carry it:
 * [kind, t, a, b, c, d]. Passing a record (array, offset) instead of six numbers avoids boxing
 * times above 2^31 on every call.
 */
export const RECORD_SIZE = 6;
