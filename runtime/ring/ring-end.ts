import { viewRing, type FullPolicy } from "./ring-layout.js";

/** What both ends of a ring hold: its shared memory's views and its fixed configuration. */
export abstract class RingEnd {
  /** The records, `recordSize` values each; claim() and next() give offsets into it. */
  readonly data: Float64Array;
  readonly capacity: number;
  readonly recordSize: number;
  readonly full: FullPolicy;
  protected readonly control: Int32Array;
  protected readonly counters: Float64Array;
  protected readonly mask: number;
  protected readonly spin: number;

  constructor(buffer: SharedArrayBuffer) {
    const v = viewRing(buffer);
    this.data = v.data;
    this.capacity = v.capacity;
    this.recordSize = v.recordSize;
    this.full = v.full;
    this.control = v.control;
    this.counters = v.counters;
    this.mask = v.capacity - 1;
    this.spin = v.spin;
  }
}
