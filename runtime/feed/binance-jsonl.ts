/**
 * Reads hftbacktest's Binance recordings (`<receive ns> <JSON>` per line) into an EventTape.
 *
 * Prices and quantities arrive as decimal strings. They are converted to ticks and lots with integer
 * arithmetic on the digits, because parsing to a float and dividing by 0.01 would silently round, and
 * every target of the compiler must see exactly the same integers.
 */
import { gunzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import { EventKind, allocateTape, type EventTape } from "../event-tape.js";

export interface BinanceJsonlOptions {
  /** Price increment as a decimal string, e.g. "0.01". */
  readonly tick: string;
  /** Quantity increment as a decimal string, e.g. "0.00001". */
  readonly lot: string;
  /**
   * For an instrument coarser than the recording (a 0.1 tick on 0.01 prices): bids round down, asks up,
   * trade prices and quantities to the nearest step, instead of skipping the line.
   */
  readonly snap?: boolean;
}

type Snap = "exact" | "down" | "up" | "nearest";

export interface LineError {
  readonly line: number; // 1-based
  readonly message: string;
}

export interface BinanceJsonlResult {
  readonly tape: EventTape;
  /** Non-blank lines that produced no event: depth updates, snapshots, other streams and malformed lines. */
  readonly skipped: number;
  /** How many of the skipped lines were malformed; `errors` holds only the first MAX_ERRORS of them. */
  readonly errorCount: number;
  readonly errors: LineError[];
}

export const MAX_ERRORS = 20;

/** A non-negative decimal as an integer mantissa and a count of fractional digits: value = int / 10^scale. */
interface Decimal {
  readonly int: bigint;
  readonly scale: number;
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;
const NANOS = /^\d+$/;

function parseDecimal(s: string): Decimal | undefined {
  const m = DECIMAL.exec(s);
  if (m === null) return undefined;
  const frac = m[2] ?? "";
  return { int: BigInt(m[1] + frac), scale: frac.length };
}

/** A step size turned into a function from decimal strings to whole steps; throws on a bad step. */
function stepConverter(step: string, what: string): (s: string, snap?: Snap) => number | string {
  const d = parseDecimal(step);
  if (d === undefined || d.int === 0n) throw new RangeError(`${what} must be a positive decimal string, got ${JSON.stringify(step)}`);
  return (s, snap = "exact") => {
    const v = parseDecimal(s);
    if (v === undefined) return `not a decimal: ${JSON.stringify(s)}`;
    // v/step = (v.int * 10^d.scale) / (d.int * 10^v.scale), brought to a common denominator.
    const num = v.int * 10n ** BigInt(d.scale);
    const den = d.int * 10n ** BigInt(v.scale);
    const rest = num % den;
    if (rest !== 0n && snap === "exact") return `${s} is not a whole number of ${what}s (${step})`;
    const up = rest !== 0n && (snap === "up" || (snap === "nearest" && 2n * rest >= den));
    const n = Number(num / den + (up ? 1n : 0n));
    if (!Number.isSafeInteger(n)) return `${s} is too large in ${what}s`;
    return n;
  };
}

// Thrown only inside this module to abandon one line; never escapes the public API.
class LineRejected extends Error {}

function field(data: Record<string, unknown>, key: string): string {
  const v = data[key];
  if (typeof v !== "string") throw new LineRejected(`field ${key} missing or not a string`);
  return v;
}

function steps(convert: (s: string, snap?: Snap) => number | string, s: string, snap: Snap = "exact"): number {
  const r = convert(s, snap);
  if (typeof r === "string") throw new LineRejected(r);
  return r;
}

export function parseBinanceJsonl(text: string, opts: BinanceJsonlOptions): BinanceJsonlResult {
  const toTicks = stepConverter(opts.tick, "tick");
  const toLots = stepConverter(opts.lot, "lot");
  const lines = text.split("\n");
  const tape = allocateTape(lines.length);
  const errors: LineError[] = [];
  let n = 0;
  let skipped = 0;
  let errorCount = 0;
  let origin: bigint | undefined;

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "") continue;
    try {
      const space = line.indexOf(" ");
      const stamp = space < 0 ? line : line.slice(0, space);
      if (!NANOS.test(stamp)) throw new LineRejected(`bad receive timestamp ${JSON.stringify(stamp.slice(0, 40))}`);
      const ns = BigInt(stamp);
      // The clock starts at the first line even if it carries no event, so that times match the
      // recording whichever streams are kept.
      origin ??= ns;
      let msg: unknown;
      try {
        msg = JSON.parse(line.slice(space + 1));
      } catch (e) {
        throw new LineRejected(`bad JSON: ${(e as Error).message}`);
      }
      if (typeof msg !== "object" || msg === null) throw new LineRejected("message is not a JSON object");
      const { stream, data } = msg as { stream?: unknown; data?: unknown };
      if (typeof stream !== "string") {
        // A REST depth snapshot (recorded once per session) is the only wrapper-less message expected.
        if ("lastUpdateId" in msg) {
          skipped++;
          continue;
        }
        throw new LineRejected("no stream field");
      }
      const isBook = stream.endsWith("@bookTicker");
      const isTrade = stream.endsWith("@trade");
      if (!isBook && !isTrade) {
        skipped++;
        continue;
      }
      if (typeof data !== "object" || data === null) throw new LineRejected("data missing or not an object");
      const fields = data as Record<string, unknown>;
      let a: number, b: number, c: number, d = 0;
      const [down, up, nearest]: Snap[] = opts.snap ? ["down", "up", "nearest"] : ["exact", "exact", "exact"];
      if (isBook) {
        a = steps(toTicks, field(fields, "b"), down);
        b = steps(toLots, field(fields, "B"), nearest);
        c = steps(toTicks, field(fields, "a"), up);
        d = steps(toLots, field(fields, "A"), nearest);
      } else {
        a = steps(toTicks, field(fields, "p"), nearest);
        b = steps(toLots, field(fields, "q"), nearest);
        if (typeof fields.m !== "boolean") throw new LineRejected("field m missing or not a boolean");
        c = fields.m ? -1 : 1; // the buyer was the resting order, so the aggressor sold
      }
      tape.kind[n] = isBook ? EventKind.book : EventKind.trade;
      tape.t[n] = Number(ns - origin);
      tape.a[n] = a;
      tape.b[n] = b;
      tape.c[n] = c;
      tape.d[n] = d;
      n++;
    } catch (e) {
      if (!(e instanceof LineRejected)) throw e;
      skipped++;
      errorCount++;
      if (errors.length < MAX_ERRORS) errors.push({ line: i + 1, message: e.message });
    }
  }
  return { tape: sliceTape(tape, 0, n), skipped, errorCount, errors };
}

export function readBinanceJsonlGz(path: string, opts: BinanceJsonlOptions): BinanceJsonlResult {
  return parseBinanceJsonl(gunzipSync(readFileSync(path)).toString("utf8"), opts);
}

function sliceTape(tape: EventTape, start: number, end: number): EventTape {
  return {
    length: end - start,
    kind: tape.kind.slice(start, end),
    t: tape.t.slice(start, end),
    a: tape.a.slice(start, end),
    b: tape.b.slice(start, end),
    c: tape.c.slice(start, end),
    d: tape.d.slice(start, end),
  };
}

const LAP_GAP_NS = 1e6;

/**
 * Replays `tape` end to end until `totalEvents` events, for benchmarks that need more events than a
 * recording holds. Each lap is shifted by the tape's duration plus 1 ms so time never goes backwards.
 */
export function repeatTape(tape: EventTape, totalEvents: number): EventTape {
  if (!Number.isSafeInteger(totalEvents) || totalEvents < 0) throw new RangeError(`bad event count ${totalEvents}`);
  if (tape.length === 0 && totalEvents > 0) throw new RangeError("cannot repeat an empty tape");
  const out = allocateTape(totalEvents);
  const lapShift = tape.length === 0 ? 0 : tape.t[tape.length - 1] - tape.t[0] + LAP_GAP_NS;
  for (let start = 0, lap = 0; start < totalEvents; start += tape.length, lap++) {
    const count = Math.min(tape.length, totalEvents - start);
    out.kind.set(tape.kind.subarray(0, count), start);
    out.a.set(tape.a.subarray(0, count), start);
    out.b.set(tape.b.subarray(0, count), start);
    out.c.set(tape.c.subarray(0, count), start);
    out.d.set(tape.d.subarray(0, count), start);
    const shift = lap * lapShift;
    for (let i = 0; i < count; i++) out.t[start + i] = tape.t[i] + shift;
  }
  return out;
}
