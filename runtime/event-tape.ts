/**
 * The engine's input vocabulary, shared by every target, the harness, the feed codecs and benchmarks.
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

/** A stream of events stored column-wise so that replaying it allocates nothing. */
export interface EventTape {
  readonly length: number;
  readonly kind: Uint8Array;
  readonly t: Float64Array;
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly c: Float64Array;
  readonly d: Float64Array;
}

export function allocateTape(length: number): EventTape {
  return {
    length,
    kind: new Uint8Array(length),
    t: new Float64Array(length),
    a: new Float64Array(length),
    b: new Float64Array(length),
    c: new Float64Array(length),
    d: new Float64Array(length),
  };
}

/**
 * Row layout of one event in a Float64Array, as rings and batch steppers carry it:
 * [kind, t, a, b, c, d]. Passing a record (array, offset) instead of six numbers avoids boxing
 * times above 2^31 on every call.
 */
export const RECORD_SIZE = 6;

export function tapeToRecords(tape: EventTape): Float64Array {
  const out = new Float64Array(tape.length * RECORD_SIZE);
  for (let i = 0; i < tape.length; i++) writeRecord(tape, i, out, i * RECORD_SIZE);
  return out;
}

/** Row i of a tape as the record at `at` of `records`. */
export function writeRecord(tape: EventTape, i: number, records: Float64Array, at: number): void {
  records[at] = tape.kind[i];
  records[at + 1] = tape.t[i];
  records[at + 2] = tape.a[i];
  records[at + 3] = tape.b[i];
  records[at + 4] = tape.c[i];
  records[at + 5] = tape.d[i];
}

/** The record at `at` of `records` as row i of a tape. */
export function readRecord(records: Float64Array, at: number, tape: EventTape, i: number): void {
  tape.kind[i] = records[at];
  tape.t[i] = records[at + 1];
  tape.a[i] = records[at + 2];
  tape.b[i] = records[at + 3];
  tape.c[i] = records[at + 4];
  tape.d[i] = records[at + 5];
}
