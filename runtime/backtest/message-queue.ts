/**
 * Messages in flight on one connection, in order of arrival, as rows of `width` numbers (row[0] is the
 * arrival time). A connection keeps order: a message never arrives before the one sent ahead of it, so
 * the queue is FIFO. Storage doubles when full and is otherwise reused, so nothing allocates per message.
 */
export class MessageQueue {
  data: Float64Array;
  private head = 0;
  private size = 0;
  private lastArrival = -Infinity;

  constructor(
    readonly width: number,
    capacity = 64,
  ) {
    this.data = new Float64Array(width * capacity);
  }

  get length(): number {
    return this.size;
  }

  /** Arrival time of the next message; Infinity when none. */
  get nextTime(): number {
    return this.size === 0 ? Infinity : this.data[this.head * this.width];
  }

  /** Reserves the next row for a message sent to arrive at `arrival` (or just after the one before it); returns its offset. */
  push(arrival: number): number {
    const rows = this.data.length / this.width;
    if (this.size === rows) this.grow();
    const at = ((this.head + this.size) % (this.data.length / this.width)) * this.width;
    this.lastArrival = Math.max(arrival, this.lastArrival);
    this.data[at] = this.lastArrival;
    this.size++;
    return at;
  }

  /** Removes the next message and returns its offset (valid until the next push). */
  shift(): number {
    const at = this.head * this.width;
    this.head = (this.head + 1) % (this.data.length / this.width);
    this.size--;
    return at;
  }

  private grow(): void {
    const rows = this.data.length / this.width;
    const next = new Float64Array(this.data.length * 2);
    for (let i = 0; i < this.size; i++) next.set(this.data.subarray(((this.head + i) % rows) * this.width, ((this.head + i) % rows + 1) * this.width), i * this.width);
    this.data = next;
    this.head = 0;
  }
}
