export { EVENT_KIND_NAMES, EventKind, RECORD_SIZE, type EventFields, type EventKindName } from "../compiler/event-vocabulary.js";
import { RECORD_SIZE } from "../compiler/event-vocabulary.js";

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
