import { EventKind, type EventTape } from "../event-tape.js";
import type { DepthTape } from "./depth-tape.js";
import type { Snap, StepConverter } from "./decimal-steps.js";
import { TapeBuilder } from "./tape-builder.js";

/**
 * The line loop the venue readers share: hftbacktest's recordings hold one message a line,
 * `<local receive time, ns since epoch> <JSON as the venue sent it>`. A venue reader turns one parsed
 * message into events and depth levels; a malformed line is counted and reported by number, and
 * whatever its message had written is taken back, so a line counts wholly or not at all.
 */

export interface LineError {
  readonly line: number; // 1-based
  readonly message: string;
}

/** How many malformed lines are described; the rest are only counted. */
export const MAX_ERRORS = 20;

export interface JsonlResult {
  readonly tape: EventTape;
  readonly depth: DepthTape;
  /** Non-blank lines that produced neither an event nor a depth level: other streams and malformed lines. */
  readonly skipped: number;
  /** How many of the skipped lines were malformed; `errors` holds only the first MAX_ERRORS of them. */
  readonly errorCount: number;
  readonly errors: LineError[];
  /** The first line's receive time: times in the tapes are nanoseconds since it. */
  readonly originNs: bigint;
  /** Quantities off the lot grid, rounded up to whole lots (see `lineSteps`), and the first of them. */
  readonly roundedQuantities: number;
  readonly firstRounded?: LineError;
}

/** The line being read, shared by the line loop and the step converters that note roundings on it. */
export class LineCursor {
  line = 0;
  rounded = 0;
  firstRounded?: LineError;
}

// Thrown only by the venue readers to abandon one line; never escapes the public API.
export class LineRejected extends Error {}

/** Reads one message received at `t` (ns since the origin); returns false for a message it does not read. */
export type MessageReader = (msg: object, t: number, out: TapeBuilder) => boolean;

const NANOS = /^\d+$/;

export function readJsonlLines(text: string, read: MessageReader, cursor: LineCursor): JsonlResult {
  const lines = text.split("\n");
  const out = new TapeBuilder();
  const errors: LineError[] = [];
  let skipped = 0;
  let errorCount = 0;
  let origin: bigint | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "") continue;
    const mark = out.mark();
    cursor.line = i + 1;
    try {
      const space = line.indexOf(" ");
      const stamp = space < 0 ? line : line.slice(0, space);
      if (!NANOS.test(stamp)) throw new LineRejected(`bad receive timestamp ${JSON.stringify(stamp.slice(0, 40))}`);
      const ns = BigInt(stamp);
      // The clock starts at the first line even if it carries no event, so that times match the
      // recording whichever streams are kept.
      origin ??= ns;
      if (ns < origin) throw new LineRejected(`receive time ${stamp} is before the first line's (${origin}); a recording is in receive order`);
      if (ns - origin > BigInt(Number.MAX_SAFE_INTEGER)) throw new LineRejected(`receive time ${stamp} is more than 2^53 ns (104 days) after the first line's`);
      let msg: unknown;
      try {
        msg = JSON.parse(line.slice(space + 1));
      } catch (e) {
        throw new LineRejected(`bad JSON: ${(e as Error).message}`);
      }
      if (typeof msg !== "object" || msg === null || Array.isArray(msg)) throw new LineRejected("message is not a JSON object");
      if (!read(msg, Number(ns - origin), out)) skipped++;
    } catch (e) {
      if (!(e instanceof LineRejected)) throw e;
      out.rollback(mark);
      skipped++;
      errorCount++;
      if (errors.length < MAX_ERRORS) errors.push({ line: i + 1, message: e.message });
    }
  }
  return { ...out.finish(), skipped, errorCount, errors, originNs: origin ?? 0n, roundedQuantities: cursor.rounded, firstRounded: cursor.firstRounded };
}

/**
 * A book event of best prices (ticks) and sizes (lots). A crossed or locked book (bid at or above the ask)
 * is no market a venue sends: the simulator would fill resting orders on it, so the line is rejected.
 */
export function bookEvent(out: TapeBuilder, t: number, bid: number, bidQty: number, ask: number, askQty: number): void {
  if (bid >= ask) throw new LineRejected(`the book is crossed: bid ${bid} ticks is not below ask ${ask} ticks`);
  out.event(EventKind.book, t, bid, bidQty, ask, askQty);
}

/** A string field of a message object, or the line is rejected. */
export function stringField(data: Record<string, unknown>, key: string): string {
  const v = data[key];
  if (typeof v !== "string") throw new LineRejected(`field ${key} missing or not a string`);
  return v;
}

/** An object field (or the message itself as a record), or the line is rejected. */
export function objectField(data: Record<string, unknown>, key: string): Record<string, unknown> {
  const v = data[key];
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new LineRejected(`field ${key} missing or not an object`);
  return v as Record<string, unknown>;
}

export function arrayField(data: Record<string, unknown>, key: string): unknown[] {
  const v = data[key];
  if (!Array.isArray(v)) throw new LineRejected(`field ${key} missing or not an array`);
  return v;
}

/**
 * Prices and sizes in steps. `what` names the value in the message ("bid price") so a value off the
 * instrument's grid is reported as such: which value, which step. A price off the tick grid rejects the
 * line: the instrument decides ticks. A size off the lot grid is rounded up to whole lots and noted:
 * venues report resting and traded volume finer than today's lot (Binance BTCUSDT depth levels of
 * 25.426189 BTC against a 0.00001 lot), and rounding up never turns a level or a trade into nothing.
 * With a snap other than exact (a coarser instrument), both move as told, silently.
 */
export interface Steps {
  price(s: string, what: string, snap?: Snap): number;
  qty(s: string, what: string, snap?: Snap): number;
}

export function lineSteps(toTicks: StepConverter, toLots: StepConverter, instrument: string, cursor: LineCursor): Steps {
  const reject = (r: string, what: string, grid: string): never => {
    throw new LineRejected(`${what} ${r}${r.includes("whole number") ? `: off the ${grid} grid of ${instrument}` : ""}`);
  };
  return {
    price(s, what, snap = "exact") {
      const r = toTicks(s, snap);
      return typeof r === "string" ? reject(r, what, "tick") : r;
    },
    qty(s, what, snap = "exact") {
      const r = toLots(s, snap);
      if (typeof r !== "string") return r;
      if (snap !== "exact" || !r.includes("whole number")) return reject(r, what, "lot");
      const up = toLots(s, "up");
      if (typeof up === "string") return reject(up, what, "lot");
      cursor.rounded++;
      cursor.firstRounded ??= { line: cursor.line, message: `${what} ${r}; rounded up to ${up} lots` };
      return up;
    },
  };
}
