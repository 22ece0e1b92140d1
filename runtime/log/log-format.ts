/**
 * The binary run log (`RUN.lsl`): what a backtest or a live run did, event by event, in fixed-size
 * little-endian records that a reader can index without parsing.
 *
 * File = header, then records.
 *
 * Header (HEADER_FIXED_BYTES + metadata, a multiple of 8 bytes):
 *   0   8 bytes  magic "LSTEPLOG"
 *   8   u16      format version (LOG_VERSION)
 *   10  u16      record size in bytes (RECORD_BYTES)
 *   12  u32      metadata length M in bytes (a multiple of 8: the JSON is padded with spaces)
 *   16  32 bytes program hash: SHA-256 of the .lstep source text
 *   48  M bytes  metadata: UTF-8 JSON (LogMetadata), keys in a fixed order
 *
 * Record (RECORD_BYTES = 48):
 *   0   u8   type (RecordType)
 *   1   u8   aux: a sub-kind, per type (see RecordType)
 *   2   u16  level: the quote level of a quote, order, verdict, fill or reply record; else 0
 *   4   u32  id: the order id of order, verdict, fill and reply records; else 0
 *   8   f64  t: nanoseconds since the session start on the simulation's one clock
 *   16  f64  a, 24 f64 b, 32 f64 c, 40 f64 d: fields, per type
 *
 * Determinism: a backtest writes only values computed from its inputs (recording, program, parameters,
 * simulator settings), never the wall clock, so the same run twice gives the same bytes, and the TS and
 * WASM targets give the same bytes (the target is deliberately not in the metadata). The one exception
 * is a latency sample with aux = LatencyKind.wallTickToTrade: measured time, written only by live runs
 * and outside the determinism claim.
 */

export const LOG_MAGIC = "LSTEPLOG";
export const LOG_VERSION = 1;
export const HEADER_FIXED_BYTES = 48;
export const RECORD_BYTES = 48;
export const PROGRAM_HASH_BYTES = 32;

export const RecordType = {
  /** aux = event kind (EventKind); a..d = the event's fields; t = when the strategy saw it (timer events too) */
  market: 1,
  /** level; a = bid, b = ask (ticks), c = bid qty, d = ask qty (lots): a level's quote_valid = 1 */
  quote: 2,
  /** aux = OrderAction; level; id; a = price, b = qty, c = side; d = the replaced order's id (replace) */
  order: 3,
  /** aux = 1 accepted, 0 refused; level; id; a = reason code (REJECT_REASONS), b = price, c = qty, d = side */
  verdict: 4,
  /** aux = Liquidity; level; id; a = price, b = qty, c = side, d = fee in tick·lot units; t = exchange time */
  fill: 5,
  /** aux = ParamReload; id = FNV-1a hash of the parameter vector; a = number of parameters */
  paramReload: 6,
  /** aux = ring number; a = records dropped since the last such record */
  ringOverflow: 7,
  /** aux = LatencyKind; a = nanoseconds */
  latency: 8,
  /** aux = ReplyKind; level; id; a = price, b = leaves qty; t = exchange time */
  reply: 9,
} as const;
export type RecordTypeName = keyof typeof RecordType;
export const RECORD_TYPE_NAMES: readonly (RecordTypeName | undefined)[] = [
  undefined, "market", "quote", "order", "verdict", "fill", "paramReload", "ringOverflow", "latency", "reply",
];

export const OrderAction = { new: 1, cancel: 2, replace: 3 } as const;
export type OrderActionName = keyof typeof OrderAction;

export const Liquidity = { maker: 0, taker: 1 } as const;

export const ParamReload = { initial: 0, applied: 1, refused: 2 } as const;

export const LatencyKind = {
  /** simulated: market data from the exchange to the strategy */
  feed: 0,
  /** simulated: an order message from the strategy to the exchange */
  entry: 1,
  /** simulated: a reply (ack, fill, reject) from the exchange to the strategy */
  response: 2,
  /** measured on the wall clock (live runs only): decoded event in to order bytes out; not deterministic */
  wallTickToTrade: 3,
} as const;

export const ReplyKind = {
  /** the order rests on the book */
  accepted: 1,
  /** a post-only order would have crossed: refused by the exchange */
  postOnlyReject: 2,
  canceled: 3,
  /** a cancel for an order no longer live (filled or already gone) */
  cancelFailed: 4,
  /** a replace for an order no longer live: the new order is not placed */
  replaceFailed: 5,
  /** what a taker order left after taking the opposite best level */
  expired: 6,
} as const;
export type ReplyKindName = keyof typeof ReplyKind;

/** What the header's JSON says about the run; every value is an input of the run, never a measurement. */
export interface LogMetadata {
  readonly program: string;
  readonly source: string;
  readonly instrument: { readonly name: string; readonly tick: string; readonly lot: string };
  readonly outputs: readonly string[];
  readonly data: string;
  readonly simulator: Readonly<Record<string, string | number | boolean>>;
}

/** One decoded record, for tools; the hot paths read fields through LogReader's accessors. */
export interface LogRecord {
  readonly type: number;
  readonly aux: number;
  readonly level: number;
  readonly id: number;
  readonly t: number;
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
}

/** FNV-1a over the parameter vector's decimal text: a short, stable name for a parameter set. */
export function parameterHash(values: readonly (number | bigint)[]): number {
  let h = 0x811c9dc5;
  const text = values.join(",");
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
