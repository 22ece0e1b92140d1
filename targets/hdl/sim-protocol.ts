import type { Chunk } from "./command-chunks.js";

/**
 * The command stream between a host and an HDL simulation process, shared by every simulator driver.
 * Little-endian int64 words. Commands:
 *   RESET  p0 .. p(P-1)        synchronous reset, then load every parameter slot and commit
 *   RELOAD p0 .. p(P-1)        load every parameter slot and commit (state kept): a hot reload
 *   EVENT  kind t a b c d      one event (already mapped by event-port.ts); replies
 *                              event_ok, state 0..S-1, output 0..O-1 (each sign-extended to int64)
 *   FLUSH                      write out every pending reply
 *   PIN    v                   the kill pin (kill-pin.ts) for the events that follow: 1 high, 0 low
 * Commands without a reply let a host send a whole stream in one write and read its replies in one go.
 */
export const Command = { reset: 1n, reload: 2n, event: 3n, flush: 4n, pin: 5n } as const;

/**
 * A reply word that held a metavalue (X, U: a register the reset does not set, a signal nothing drives).
 * No register of 62 bits or fewer sign-extends to it, so it never equals what the reference recorded.
 */
export const METAVALUE = 0x4d45544156414c55n;

/** Where commands go: a running process (sim-process.ts) or a batch run of a simulator. */
export interface SimChannel {
  /** Queues one command and the number of reply words it produces. */
  send(words: readonly bigint[], replyWords?: number): void;
  /** Runs every queued command and returns all their replies, in order. */
  exchange(flush: bigint): BigInt64Array;
  /** A faster path for pre-encoded commands (command-chunks.ts), where the channel is a process. */
  exchangeChunks?(chunks: readonly Chunk[]): Buffer;
  close(): void;
}
