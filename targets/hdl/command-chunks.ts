import { EVENT_KIND_NAMES } from "../../runtime/event-tape.js";
import { KIND_INVALID } from "./event-port.js";
import { Command } from "./sim-protocol.js";

/** A run of commands ending with FLUSH, and the bytes of the replies it produces. */
export interface Chunk {
  readonly bytes: Buffer;
  readonly replyBytes: number;
}

/**
 * Encodes sim-protocol commands straight into byte chunks, each small enough that its commands and its
 * replies both fit a pipe (so a host that writes a chunk, then reads its replies, never deadlocks).
 * Event fields are written from numbers as two 32-bit halves: no BigInt per field, which made the
 * encoding cost more than the simulation. The event mapping is event-port.ts's `portEvent`.
 */
export class CommandChunks {
  private readonly chunks: Chunk[] = [];
  private buffer: Buffer;
  private view: DataView;
  private at = 0;
  private replies = 0;

  constructor(
    private readonly limit: number,
    private readonly replyWords: number,
  ) {
    this.buffer = Buffer.alloc(limit + 8);
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
  }

  params(command: typeof Command.reset | typeof Command.reload, values: readonly bigint[]): void {
    this.room(1 + values.length, 0);
    this.view.setBigInt64(this.at, command, true);
    this.at += 8;
    for (const v of values) {
      this.view.setBigInt64(this.at, v, true);
      this.at += 8;
    }
  }

  event(kind: number, t: number, a: number, b: number, c: number, d: number): void {
    this.room(7, this.replyWords);
    this.replies += this.replyWords;
    this.number(Number(Command.event));
    const known = Number.isInteger(kind) && kind >= 0 && kind < EVENT_KIND_NAMES.length;
    if (!known || !Number.isSafeInteger(t) || !Number.isSafeInteger(a) || !Number.isSafeInteger(b) || !Number.isSafeInteger(c) || !Number.isSafeInteger(d)) {
      this.number(KIND_INVALID);
      for (let i = 0; i < 5; i++) this.number(0);
      return;
    }
    this.number(kind);
    this.number(t);
    this.number(a);
    this.number(b);
    this.number(c);
    this.number(d);
  }

  /** Every chunk, the last one closed. */
  finish(): Chunk[] {
    this.close();
    return this.chunks;
  }

  /** A safe integer as a little-endian int64: the low 32 bits, then the (sign-carrying) high ones. */
  private number(x: number): void {
    const hi = Math.floor(x / 4294967296);
    this.view.setUint32(this.at, x - hi * 4294967296, true);
    this.view.setInt32(this.at + 4, hi, true);
    this.at += 8;
  }

  /** Starts a new chunk when a command of `words` words and `replies` reply words would overflow this one. */
  private room(words: number, replies: number): void {
    const bytes = (words + 1) * 8;
    if (bytes > this.limit) throw new Error(`internal: a command of ${words} words does not fit a pipe chunk`);
    if (this.at + bytes <= this.limit && (this.replies + replies) * 8 <= this.limit) return;
    this.close();
  }

  private close(): void {
    if (this.at === 0) return;
    this.view.setBigInt64(this.at, Command.flush, true);
    this.at += 8;
    this.chunks.push({ bytes: Buffer.from(this.buffer.subarray(0, this.at)), replyBytes: this.replies * 8 });
    this.at = 0;
    this.replies = 0;
  }
}
