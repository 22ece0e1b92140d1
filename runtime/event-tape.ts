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
  for (let i = 0; i < tape.length; i++) {
    const at = i * RECORD_SIZE;
    out[at] = tape.kind[i];
    out[at + 1] = tape.t[i];
    out[at + 2] = tape.a[i];
    out[at + 3] = tape.b[i];
    out[at + 4] = tape.c[i];
    out[at + 5] = tape.d[i];
  }
  return out;
}
