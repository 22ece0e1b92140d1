/**
 * The shared block through which the main thread hands a validated parameter vector to the strategy
 * worker for a hot reload. The main thread validates the file in full first; the strategy worker only
 * swaps, between two events, so a refused file never reaches the engine.
 *
 * Int32 words: REQUEST (bumped by the main thread per reload), ACK (the last request the strategy
 * took), STATUS (ParamReload.applied or .refused); float64 APPLIED_AT: the event time of the swap;
 * then the values as int64.
 */
import { ParamReload } from "../log/log-format.js";

const REQUEST = 0;
const ACK = 1;
const STATUS = 2;
const APPLIED_AT = 2; // float64 index (byte 16)
const VALUES_BYTE = 24;

export function createReloadControl(count: number): SharedArrayBuffer {
  return new SharedArrayBuffer(VALUES_BYTE + 8 * count);
}

/** The main thread's end: one request at a time. */
export class ReloadRequester {
  private readonly words: Int32Array;
  private readonly times: Float64Array;
  private readonly values: BigInt64Array;

  constructor(buffer: SharedArrayBuffer) {
    this.words = new Int32Array(buffer, 0, 4);
    this.times = new Float64Array(buffer, 0, 3);
    this.values = new BigInt64Array(buffer, VALUES_BYTE);
  }

  /** True while the strategy has not taken the last request. */
  get pending(): boolean {
    return Atomics.load(this.words, ACK) !== Atomics.load(this.words, REQUEST);
  }

  /** The event time at which the last request was taken. */
  get appliedAt(): number {
    return this.times[APPLIED_AT];
  }

  /** Asks for a swap to `values` (already validated), or for a refusal to be logged; only when not pending. */
  request(values: readonly bigint[] | undefined): void {
    if (this.pending) throw new Error("a parameter reload is still pending");
    if (values) this.values.set(values);
    Atomics.store(this.words, STATUS, values ? ParamReload.applied : ParamReload.refused);
    Atomics.add(this.words, REQUEST, 1);
  }
}

/** The strategy worker's end, polled between events. */
export class ReloadTaker {
  private readonly words: Int32Array;
  private readonly times: Float64Array;
  private readonly values: BigInt64Array;
  private seen = 0;

  constructor(buffer: SharedArrayBuffer) {
    this.words = new Int32Array(buffer, 0, 4);
    this.times = new Float64Array(buffer, 0, 3);
    this.values = new BigInt64Array(buffer, VALUES_BYTE);
  }

  /** 0 when nothing was asked since the last call; else ParamReload.applied (values() holds the vector) or .refused. */
  poll(): number {
    const request = Atomics.load(this.words, REQUEST);
    if (request === this.seen) return 0;
    this.seen = request;
    return Atomics.load(this.words, STATUS);
  }

  /** The requested vector (allocates: reloads are rare, never per event). */
  vector(): bigint[] {
    return Array.from(this.values);
  }

  /** Tells the main thread the request was taken, at event time t. */
  done(t: number): void {
    this.times[APPLIED_AT] = t;
    Atomics.store(this.words, ACK, this.seen);
  }
}
