import { CLOSED, CONSUMER_WAITING, CONSUMER_WAKE, DROPPED, HEAD, PRODUCER_WAITING, TAIL } from "./ring-layout.js";
import { RingEnd } from "./ring-end.js";

/**
 * The reading end of a ring. `acquire()` says how many records are ready (waiting for at least one),
 * `next()` gives the offset in `data` of each in turn, and `release()` hands their slots back to the
 * producer with one atomic store. Nothing allocates per record.
 *
 *     for (let n = ring.acquire(); n > 0; n = ring.acquire()) {
 *       for (let i = 0; i < n; i++) use(ring.data, ring.next());
 *       ring.release();
 *     }
 */
export class RingConsumer extends RingEnd {
  /** The next record to read; int32, wrapping. */
  private tail = Atomics.load(this.control, TAIL);
  private released = this.tail;
  /** The producer's index as last read. */
  private head = Atomics.load(this.control, HEAD);

  /** Records ready now, without waiting (0 if none). */
  poll(): number {
    if (this.head === this.tail) this.head = Atomics.load(this.control, HEAD);
    return (this.head - this.tail) | 0;
  }

  /**
   * Records ready to read, waiting until there is at least one; 0 means the producer closed the ring
   * and every record has been read. Releases what was read before it sleeps.
   */
  acquire(): number {
    const ready = this.poll();
    if (ready > 0) return ready;
    this.release();
    const c = this.control;
    for (let i = 0; i < this.spin; i++) {
      this.head = Atomics.load(c, HEAD);
      if (this.head !== this.tail) return (this.head - this.tail) | 0;
      if (Atomics.load(c, CLOSED) !== 0) break;
    }
    for (;;) {
      // Read the wake count before announcing the sleep: a publish or close after that changes it, so
      // Atomics.wait returns at once instead of missing the wake-up.
      const wake = Atomics.load(c, CONSUMER_WAKE);
      Atomics.store(c, CONSUMER_WAITING, 1);
      // CLOSED before HEAD: the producer publishes before it closes, so a closed ring's head is final.
      const closed = Atomics.load(c, CLOSED) !== 0;
      this.head = Atomics.load(c, HEAD);
      if (this.head !== this.tail || closed) {
        Atomics.store(c, CONSUMER_WAITING, 0);
        return (this.head - this.tail) | 0;
      }
      Atomics.wait(c, CONSUMER_WAKE, wake);
    }
  }

  /** The offset in `data` of the next ready record; call it at most as many times as acquire() allowed. */
  next(): number {
    const at = (this.tail & this.mask) * this.recordSize;
    this.tail = (this.tail + 1) | 0;
    return at;
  }

  /** Hands the slots of every record read so far back to the producer, waking it if it waits. */
  release(): void {
    if (this.tail === this.released) return;
    this.released = this.tail;
    Atomics.store(this.control, TAIL, this.tail);
    if (Atomics.load(this.control, PRODUCER_WAITING) !== 0) Atomics.notify(this.control, TAIL);
  }

  /** Records the producer dropped because the ring was full; final once acquire() has returned 0. */
  get droppedCount(): number {
    return this.counters[DROPPED];
  }

  /** True once the producer closed the ring (records may remain to be read). */
  get closed(): boolean {
    return Atomics.load(this.control, CLOSED) !== 0;
  }
}
