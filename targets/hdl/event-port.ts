import { EVENT_KIND_NAMES } from "../../runtime/event-tape.js";

/**
 * The hardware event contract. Every engine takes an event as a kind and five fields; the software
 * targets check that each is a safe integer and treat any other event as invalid (it changes nothing and
 * clears the outputs). Hardware ports carry integers only, so the host maps such an event before it
 * reaches the port: a kind that names no event, or any field that is not a safe integer (NaN, a
 * fraction, beyond ±(2^53 − 1)), is sent as kind KIND_INVALID with zero fields. No handler has that
 * kind, so the design treats it exactly as the interpreter treats an invalid event.
 *
 * Fields are FIELD_BITS-bit signed ports: every safe integer fits, so a valid event reaches the design
 * unchanged and the design's own validation (declared ranges, time not going back) runs as in software.
 */
export const FIELD_BITS = 54;
export const KIND_BITS = 3;
export const KIND_INVALID = 7;

/** [kind, t, a, b, c, d] as the port sees them. */
export function portEvent(kind: number, t: number, a: number, b: number, c: number, d: number): bigint[] {
  const fields = [t, a, b, c, d];
  const known = Number.isInteger(kind) && kind >= 0 && kind < EVENT_KIND_NAMES.length;
  if (!known || !fields.every(Number.isSafeInteger)) return [BigInt(KIND_INVALID), 0n, 0n, 0n, 0n, 0n];
  return [BigInt(kind), ...fields.map(BigInt)];
}
