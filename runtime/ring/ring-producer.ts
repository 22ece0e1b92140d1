import { CLOSED, CONSUMER_WAITING, CONSUMER_WAKE, DROPPED, HEAD, PRODUCER_WAITING, TAIL } from "./ring-layout.js";
import { RingEnd } from "./ring-end.js";

/**
 * The writing end of a ring. Records are written in place: `claim()` gives the offset of a free record
 * in `data`, the caller fills its `recordSize` values, and `publish()` makes every record claimed so far
 * visible to the consumer with one atomic store. Nothing allocates per record.
 */
export class RingProducer extends RingEnd {
  /** The next record to claim; int32, wrapping. An end opened on a ring in use carries on from its indices. */
  private head = Atomics.load(this.control, HEAD);
  private published = this.head;
  /** The consumer's index as last read: the ring has room while head - tail < capacity. */
  private tail = Atomics.load(this.control, TAIL);
  private dropped = this.counters[DROPPED];
  private closed = false;

  /**
   * The offset in `data` of the next free record, or -1 when the ring is full and its policy is `drop`
   * (the record is counted as dropped). With `wait`, a full ring publishes what is pending and waits.
   */
  claim(): number {
    if (((this.head - this.tail) | 0) >= this.capacity && !this.makeRoom()) return -1;
    const at = (this.head & this.mask) * this.recordSize;
    this.head = (this.head + 1) | 0;
    return at;
  }

  /** Copies one record in (a convenience; claim() and writing `data` directly avoid the copy). Returns false if dropped. */
  write(values: ArrayLike<number>): boolean {
    if (values.length > this.recordSize)
      throw new RangeError(`a record of ${values.length} values is larger than this ring's records (${this.recordSize} values)`);
    const at = this.claim();
    if (at < 0) return false;
    for (let i = 0; i < values.length; i++) this.data[at + i] = values[i];
    for (let i = values.length; i < this.recordSize; i++) this.data[at + i] = 0;
    return true;
  }

  /** Makes every claimed record visible to the consumer, waking it if it sleeps. */
  publish(): void {
    if (this.head === this.published) return;
    this.published = this.head;
    Atomics.store(this.control, HEAD, this.head);
    if (Atomics.load(this.control, CONSUMER_WAITING) !== 0) this.wakeConsumer();
  }

  /** Publishes what is pending and tells the consumer no more records will come. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.publish();
    // Look full from now on, so the next claim() takes the slow path, which refuses it, at no cost to the fast one.
    this.tail = (this.head - this.capacity) | 0;
    Atomics.store(this.control, CLOSED, 1);
    this.wakeConsumer();
  }

  /** Records refused so far because the ring was full (always 0 with `wait`). */
  get droppedCount(): number {
    return this.dropped;
  }

  private wakeConsumer(): void {
    Atomics.add(this.control, CONSUMER_WAKE, 1);
    Atomics.notify(this.control, CONSUMER_WAKE);
  }

  /** Called when the ring looked full: true once a record is free, false if it was dropped instead. */
  private makeRoom(): boolean {
    if (this.closed) throw new Error("this ring's producer is closed; no record can be written after close()");
    const c = this.control;
    this.tail = Atomics.load(c, TAIL);
    if (((this.head - this.tail) | 0) < this.capacity) return true;
    if (this.full === "drop") {
      this.counters[DROPPED] = ++this.dropped;
      return false;
    }
    this.publish();
    for (let i = 0; i < this.spin; i++) {
      this.tail = Atomics.load(c, TAIL);
      if (((this.head - this.tail) | 0) < this.capacity) return true;
    }
    // Announce the sleep, then look again: the consumer stores its tail before it reads this flag, so
    // either we see its progress here or it sees the flag and wakes us.
    Atomics.store(c, PRODUCER_WAITING, 1);
    for (;;) {
      const tail = Atomics.load(c, TAIL);
      if (((this.head - tail) | 0) < this.capacity) {
        this.tail = tail;
        Atomics.store(c, PRODUCER_WAITING, 0);
        return true;
      }
      Atomics.wait(c, TAIL, tail);
    }
  }
}
