/**
 * The shared memory of one single-producer single-consumer ring: a header of control words, then
 * `capacity` records of `recordSize` float64 values each.
 *
 * Each side writes its own 64-byte cache line only (the producer's head, the consumer's tail), so the
 * two threads do not invalidate each other's line on every index update. The configuration is stored in
 * the header too: a worker needs nothing but the SharedArrayBuffer to open its end.
 */

/** What the producer does when the ring is full: wait for the consumer (back-pressure), or drop the record and count it. */
export type FullPolicy = "wait" | "drop";
export const FULL_POLICIES: readonly FullPolicy[] = ["wait", "drop"];

export interface RingOptions {
  /** Records the ring holds: a power of two. */
  readonly capacity: number;
  /** Float64 values per record. */
  readonly recordSize: number;
  readonly full: FullPolicy;
  /** Polls of the other side's index before sleeping in Atomics.wait (0: sleep at once). */
  readonly spin?: number;
}

// Int32 word indices. Line 0 is written by the producer, line 1 by the consumer, line 2 never after creation.
export const HEAD = 0;
export const CLOSED = 1;
export const PRODUCER_WAITING = 2;
/** Bumped by the producer to wake a sleeping consumer; the consumer sleeps on it rather than on HEAD so that close() wakes it too. */
export const CONSUMER_WAKE = 3;
/** Float64 index (byte 16): records dropped so far, written by the producer only. */
export const DROPPED = 2;
export const TAIL = 16;
export const CONSUMER_WAITING = 17;
const MAGIC = 32;
const CAPACITY = 33;
const RECORD_SIZE = 34;
const POLICY = 35;
const SPIN = 36;

const HEADER_BYTES = 192;
const MAGIC_VALUE = 0x4c535247; // "LSRG"
/** Indices are int32 and wrap; a capacity below 2^30 keeps head - tail unambiguous. */
export const MAX_CAPACITY = 1 << 24;
export const MAX_RING_BYTES = 1 << 30;
export const DEFAULT_SPIN = 0;

/** The two ends' common view of a ring's memory. */
export interface RingView {
  readonly control: Int32Array;
  readonly counters: Float64Array;
  readonly data: Float64Array;
  readonly capacity: number;
  readonly recordSize: number;
  readonly full: FullPolicy;
  readonly spin: number;
}

/** Why these options make no ring, or undefined when they do. */
export function ringOptionsError(o: RingOptions): string | undefined {
  const { capacity, recordSize } = o;
  if (!Number.isInteger(capacity) || capacity < 1) return `a ring needs a capacity of at least 1 record, got ${capacity}; give a power of two such as 1024`;
  if ((capacity & (capacity - 1)) !== 0 || capacity > MAX_CAPACITY)
    return `a ring's capacity must be a power of two up to ${MAX_CAPACITY} records, got ${capacity}; use ${Math.min(MAX_CAPACITY, 2 ** Math.ceil(Math.log2(capacity)))}`;
  if (!Number.isInteger(recordSize) || recordSize < 1) return `a ring's records must hold a whole number of values, at least 1, got ${recordSize}`;
  if (capacity * recordSize * 8 > MAX_RING_BYTES)
    return `a ring of ${capacity} records of ${recordSize} values needs ${capacity * recordSize * 8} bytes, more than ${MAX_RING_BYTES}; use fewer or smaller records`;
  if (!FULL_POLICIES.includes(o.full)) return `a ring's full policy must be ${FULL_POLICIES.join(" or ")}, got ${JSON.stringify(o.full)}`;
  const spin = o.spin ?? DEFAULT_SPIN;
  if (!Number.isInteger(spin) || spin < 0 || spin > 2 ** 31 - 1) return `a ring's spin count must be a whole number from 0 to 2^31-1, got ${spin}`;
  return undefined;
}

/** The shared memory of a new, empty ring; pass it to one producer and one consumer (in any threads). */
export function createRing(o: RingOptions): SharedArrayBuffer {
  const error = ringOptionsError(o);
  if (error !== undefined) throw new RangeError(error);
  const buffer = new SharedArrayBuffer(HEADER_BYTES + o.capacity * o.recordSize * 8);
  const control = new Int32Array(buffer, 0, HEADER_BYTES / 4);
  control[CAPACITY] = o.capacity;
  control[RECORD_SIZE] = o.recordSize;
  control[POLICY] = FULL_POLICIES.indexOf(o.full);
  control[SPIN] = o.spin ?? DEFAULT_SPIN;
  control[MAGIC] = MAGIC_VALUE;
  return buffer;
}

/** Opens a ring's memory; anything that is not a ring made by createRing is refused. */
export function viewRing(buffer: SharedArrayBuffer): RingView {
  if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength < HEADER_BYTES)
    throw new TypeError("not a ring: expected the SharedArrayBuffer made by createRing");
  const control = new Int32Array(buffer, 0, HEADER_BYTES / 4);
  const capacity = control[CAPACITY];
  const recordSize = control[RECORD_SIZE];
  if (control[MAGIC] !== MAGIC_VALUE || buffer.byteLength !== HEADER_BYTES + capacity * recordSize * 8)
    throw new TypeError("not a ring: expected the SharedArrayBuffer made by createRing");
  return {
    control,
    counters: new Float64Array(buffer, 0, HEADER_BYTES / 8),
    data: new Float64Array(buffer, HEADER_BYTES, capacity * recordSize),
    capacity,
    recordSize,
    full: FULL_POLICIES[control[POLICY]],
    spin: control[SPIN],
  };
}
