import { createHash } from "node:crypto";
import { allocateTape, EventKind, RECORD_SIZE, type EventTape } from "../event-tape.js";
import { allocateDepthTape, type DepthTape } from "./depth-tape.js";

/**
 * The compact binary event file (`.lse`) that `lockstep import` writes and every `--data` reads: a
 * header, then fixed-size rows. All numbers are little-endian.
 *
 *   offset  bytes  field
 *        0      8  magic "LSTEPEVT"
 *        8      4  u32 version (1)
 *       12      4  u32 header length H: 64 + the three texts below, padded with zeros to a multiple of 8
 *       16      8  u64 event count E
 *       24      8  u64 depth row count D
 *       32      8  i64 origin: the recording's first receive time, ns since the epoch (row times count from it)
 *       40      8  hash: the first 8 bytes of SHA-256 of the whole file with these 8 bytes zero
 *       48      2  u16 length of the instrument's name (UTF-8)
 *       50      2  u16 length of the tick (a decimal text, e.g. "0.01")
 *       52      2  u16 length of the lot
 *       54      2  u16 venue the recording came from: 0 unknown, 1 Binance, 2 Hyperliquid
 *       56      4  u32 event row length (48)
 *       60      4  u32 depth row length (32)
 *       64         name, tick, lot texts, then zeros up to H
 *        H   48·E  events: six f64 each, kind, t (ns since origin), a, b, c, d, as event-tape.ts lays them out
 *  H+48·E   32·D  depth rows: f64 t, f64 price (ticks), f64 qty (lots), i8 side (+1 bid, -1 ask),
 *                  u8 snapshot (1: the row starts a full snapshot of its side), six zero bytes
 *
 * Event rows are the engine's own record layout (RECORD_SIZE f64s), so the rows can be stepped as read.
 */
export const EVENT_FILE_MAGIC = "LSTEPEVT";
export const EVENT_FILE_VERSION = 1;
const FIXED_HEADER = 64;
const EVENT_ROW = RECORD_SIZE * 8;
const DEPTH_ROW = 32;
const HASH_AT = 40;

export const VENUES = ["unknown", "binance", "hyperliquid"] as const;
export type Venue = (typeof VENUES)[number];

export interface EventFile {
  readonly instrument: string;
  readonly tick: string;
  readonly lot: string;
  readonly venue: Venue;
  readonly originNs: bigint;
  readonly tape: EventTape;
  readonly depth: DepthTape;
}

export function isEventFile(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && Buffer.from(bytes.buffer, bytes.byteOffset, 8).toString("latin1") === EVENT_FILE_MAGIC;
}

function fileHash(bytes: Uint8Array): Buffer {
  const h = createHash("sha256");
  h.update(bytes.subarray(0, HASH_AT));
  h.update(new Uint8Array(8));
  h.update(bytes.subarray(HASH_AT + 8));
  return h.digest().subarray(0, 8);
}

export function encodeEventFile(f: EventFile): Uint8Array {
  const texts = [f.instrument, f.tick, f.lot].map((s) => Buffer.from(s, "utf8"));
  if (texts.some((t) => t.length > 0xffff)) throw new RangeError("an instrument text longer than 65535 bytes");
  const header = FIXED_HEADER + Math.ceil(texts.reduce((n, t) => n + t.length, 0) / 8) * 8;
  const events = f.tape.length;
  const levels = f.depth.length;
  const bytes = new Uint8Array(header + EVENT_ROW * events + DEPTH_ROW * levels);
  const v = new DataView(bytes.buffer);
  bytes.set(Buffer.from(EVENT_FILE_MAGIC, "latin1"), 0);
  v.setUint32(8, EVENT_FILE_VERSION, true);
  v.setUint32(12, header, true);
  v.setBigUint64(16, BigInt(events), true);
  v.setBigUint64(24, BigInt(levels), true);
  v.setBigInt64(32, f.originNs, true);
  texts.forEach((t, i) => v.setUint16(48 + 2 * i, t.length, true));
  v.setUint16(54, VENUES.indexOf(f.venue), true);
  v.setUint32(56, EVENT_ROW, true);
  v.setUint32(60, DEPTH_ROW, true);
  let at = FIXED_HEADER;
  for (const t of texts) {
    bytes.set(t, at);
    at += t.length;
  }
  const rows = new Float64Array(bytes.buffer, header, events * RECORD_SIZE);
  const { kind, t, a, b, c, d } = f.tape;
  for (let i = 0, r = 0; i < events; i++, r += RECORD_SIZE) {
    rows[r] = kind[i];
    rows[r + 1] = t[i];
    rows[r + 2] = a[i];
    rows[r + 3] = b[i];
    rows[r + 4] = c[i];
    rows[r + 5] = d[i];
  }
  const depthAt = header + EVENT_ROW * events;
  for (let i = 0; i < levels; i++) {
    const row = depthAt + DEPTH_ROW * i;
    v.setFloat64(row, f.depth.t[i], true);
    v.setFloat64(row + 8, f.depth.price[i], true);
    v.setFloat64(row + 16, f.depth.qty[i], true);
    v.setInt8(row + 24, f.depth.side[i]);
    v.setUint8(row + 25, f.depth.snapshot[i]);
  }
  bytes.set(fileHash(bytes), HASH_AT);
  return bytes;
}

/** Why a decoded file is refused; `offset` is the byte the problem is at. */
export interface EventFileError {
  readonly offset: number;
  readonly message: string;
}

const problem = (offset: number, message: string): { error: EventFileError } => ({ error: { offset, message } });

/**
 * Decodes and checks a whole file: header, length, hash, and every row (known kinds, whole numbers,
 * times in order). Rows are copied into columns, the shape every consumer steps.
 */
export function decodeEventFile(input: Uint8Array): EventFile | { error: EventFileError } {
  if (input.length < FIXED_HEADER) return problem(input.length, `truncated: ${input.length} bytes, shorter than the ${FIXED_HEADER}-byte header`);
  if (!isEventFile(input)) return problem(0, `not a Lockstep event file (no "${EVENT_FILE_MAGIC}" magic)`);
  // rows are read as f64 in place, which needs 8-byte alignment
  const bytes = input.byteOffset % 8 === 0 ? input : input.slice();
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const version = v.getUint32(8, true);
  if (version !== EVENT_FILE_VERSION) return problem(8, `version ${version}; this Lockstep reads version ${EVENT_FILE_VERSION}: import the recording again`);
  const header = v.getUint32(12, true);
  const lengths = [0, 1, 2].map((i) => v.getUint16(48 + 2 * i, true));
  const texts = lengths.reduce((n, l) => n + l, 0);
  if (header !== FIXED_HEADER + Math.ceil(texts / 8) * 8) return problem(12, `header length ${header} does not fit its texts (${texts} bytes): the file is corrupt`);
  if (v.getUint32(56, true) !== EVENT_ROW || v.getUint32(60, true) !== DEPTH_ROW)
    return problem(56, `row lengths ${v.getUint32(56, true)} and ${v.getUint32(60, true)}, expected ${EVENT_ROW} and ${DEPTH_ROW}: the file is corrupt`);
  const venue = VENUES[v.getUint16(54, true)];
  if (venue === undefined) return problem(54, `unknown venue code ${v.getUint16(54, true)}: the file is corrupt`);
  const eventsBig = v.getBigUint64(16, true);
  const levelsBig = v.getBigUint64(24, true);
  const expected = BigInt(header) + BigInt(EVENT_ROW) * eventsBig + BigInt(DEPTH_ROW) * levelsBig;
  const counts = `${eventsBig} events and ${levelsBig} depth rows`;
  if (BigInt(bytes.length) < expected) return problem(bytes.length, `truncated: ${bytes.length} bytes, but the header promises ${counts} (${expected} bytes)`);
  if (BigInt(bytes.length) > expected) return problem(Number(expected), `${bytes.length - Number(expected)} bytes after the ${counts} the header promises: the file is corrupt`);
  if (!Buffer.from(fileHash(bytes)).equals(bytes.subarray(HASH_AT, HASH_AT + 8))) return problem(HASH_AT, "the hash does not match the contents: the file is corrupt");
  const [instrument, tick, lot] = textsAt(bytes, lengths);
  const events = Number(eventsBig);
  const levels = Number(levelsBig);
  const tape = decodeEvents(bytes, header, events);
  if ("error" in tape) return tape;
  const depth = decodeDepth(bytes, header + EVENT_ROW * events, levels);
  if ("error" in depth) return depth;
  return { instrument, tick, lot, venue, originNs: v.getBigInt64(32, true), tape, depth };
}

function textsAt(bytes: Uint8Array, lengths: number[]): string[] {
  let at = FIXED_HEADER;
  return lengths.map((l) => {
    const s = Buffer.from(bytes.buffer, bytes.byteOffset + at, l).toString("utf8");
    at += l;
    return s;
  });
}

const MAX = Number.MAX_SAFE_INTEGER;

// A whole number within ±2^53: floor(v) === v refuses fractions and NaN, the bound infinities. Written
// out inline below rather than called: this loop is what reading a large file costs (3x slower as calls).
function decodeEvents(bytes: Uint8Array, at: number, n: number): EventTape | { error: EventFileError } {
  const rows = new Float64Array(bytes.buffer, bytes.byteOffset + at, n * RECORD_SIZE);
  const tape = allocateTape(n);
  const { kind, t, a, b, c, d } = tape;
  let last = 0;
  for (let i = 0, r = 0; i < n; i++, r += RECORD_SIZE) {
    const k = rows[r];
    const time = rows[r + 1];
    const x = rows[r + 2];
    const y = rows[r + 3];
    const z = rows[r + 4];
    const w = rows[r + 5];
    const whole = Math.floor(time) === time && Math.floor(x) === x && Math.floor(y) === y && Math.floor(z) === z && Math.floor(w) === w;
    const small = time <= MAX && Math.abs(x) <= MAX && Math.abs(y) <= MAX && Math.abs(z) <= MAX && Math.abs(w) <= MAX;
    if (!(whole && small && (k === EventKind.book || k === EventKind.trade) && time >= last))
      return problem(at + EVENT_ROW * i, `event ${i + 1} is not a book or trade row of whole numbers in time order: the file is corrupt`);
    last = time;
    kind[i] = k;
    t[i] = time;
    a[i] = x;
    b[i] = y;
    c[i] = z;
    d[i] = w;
  }
  return tape;
}

function decodeDepth(bytes: Uint8Array, at: number, n: number): DepthTape | { error: EventFileError } {
  const f64 = new Float64Array(bytes.buffer, bytes.byteOffset + at, (n * DEPTH_ROW) / 8);
  const i8 = new Int8Array(bytes.buffer, bytes.byteOffset + at, n * DEPTH_ROW);
  const depth = allocateDepthTape(n);
  for (let i = 0; i < n; i++) {
    const r = (i * DEPTH_ROW) / 8;
    const t = f64[r];
    const price = f64[r + 1];
    const qty = f64[r + 2];
    const side = i8[i * DEPTH_ROW + 24];
    const snapshot = bytes[at + i * DEPTH_ROW + 25];
    const whole = Math.floor(t) === t && Math.floor(price) === price && Math.floor(qty) === qty;
    if (!(whole && t <= MAX && Math.abs(price) <= MAX && Math.abs(qty) <= MAX && (side === 1 || side === -1) && snapshot <= 1))
      return problem(at + DEPTH_ROW * i, `depth row ${i + 1} is not a row of whole numbers with side ±1: the file is corrupt`);
    depth.t[i] = t;
    depth.price[i] = price;
    depth.qty[i] = qty;
    depth.side[i] = side;
    depth.snapshot[i] = snapshot;
  }
  return depth;
}
