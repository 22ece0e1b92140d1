/**
 * Reads hftbacktest's Binance spot recordings (`<receive ns> <JSON>` per line): `@bookTicker` and
 * `@trade` become book and trade events on an EventTape; `@depth@100ms` increments and the REST depth
 * snapshot become level-2 rows on a DepthTape. Prices and quantities arrive as decimal strings and are
 * converted to ticks and lots exactly (decimal-steps.ts).
 */
import { gunzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import { EventKind, allocateTape, type EventTape } from "../event-tape.js";
import { stepConverter, type Snap } from "./decimal-steps.js";
import { arrayField, bookEvent, LineCursor, LineRejected, lineSteps, objectField, readJsonlLines, stringField, type JsonlResult, type Steps } from "./jsonl-lines.js";
import type { TapeBuilder } from "./tape-builder.js";

export { MAX_ERRORS, type LineError } from "./jsonl-lines.js";

export interface BinanceJsonlOptions {
  /** Price increment as a decimal string, e.g. "0.01". */
  readonly tick: string;
  /** Quantity increment as a decimal string, e.g. "0.00001". */
  readonly lot: string;
  /** The instrument's name, for messages about prices off its grid. */
  readonly instrument?: string;
  /**
   * For an instrument coarser than the recording (a 0.1 tick on 0.01 prices): bids round down, asks up,
   * trade prices and quantities to the nearest step, instead of refusing the line. Depth is not read
   * then: two levels that snap to one price cannot be merged from increments.
   */
  readonly snap?: boolean;
}

export type BinanceJsonlResult = JsonlResult;

export function parseBinanceJsonl(text: string, opts: BinanceJsonlOptions): BinanceJsonlResult {
  const cursor = new LineCursor();
  const steps = lineSteps(stepConverter(opts.tick, "tick"), stepConverter(opts.lot, "lot"), opts.instrument ?? "the instrument", cursor);
  // Increments the REST snapshot already holds (update id at most its lastUpdateId) are stale after it.
  let snapshotId = -1;
  const read = (msg: object, t: number, out: TapeBuilder): boolean => {
    const m = msg as Record<string, unknown>;
    const stream = m.stream;
    if (typeof stream !== "string") {
      if (!("lastUpdateId" in m)) throw new LineRejected("no stream field, and not a REST depth snapshot (lastUpdateId)");
      if (opts.snap) return false;
      snapshotId = updateId(m, "lastUpdateId");
      depthLevels(steps, arrayField(m, "bids"), 1, t, true, out);
      depthLevels(steps, arrayField(m, "asks"), -1, t, true, out);
      return true;
    }
    const kind = stream.endsWith("@bookTicker") ? "book" : stream.endsWith("@trade") ? "trade" : stream.includes("@depth") ? "depth" : undefined;
    if (kind === undefined || (kind === "depth" && opts.snap)) return false;
    const data = objectField(m, "data");
    const [down, up, nearest]: Snap[] = opts.snap ? ["down", "up", "nearest"] : ["exact", "exact", "exact"];
    switch (kind) {
      case "book":
        bookEvent(
          out,
          t,
          steps.price(stringField(data, "b"), "bid price", down),
          steps.qty(stringField(data, "B"), "bid quantity", nearest),
          steps.price(stringField(data, "a"), "ask price", up),
          steps.qty(stringField(data, "A"), "ask quantity", nearest),
        );
        return true;
      case "trade": {
        const price = steps.price(stringField(data, "p"), "trade price", nearest);
        const qty = steps.qty(stringField(data, "q"), "trade quantity", nearest);
        if (typeof data.m !== "boolean") throw new LineRejected("field m missing or not a boolean");
        out.event(EventKind.trade, t, price, qty, data.m ? -1 : 1, 0); // buyer was the maker: the aggressor sold
        return true;
      }
      case "depth": {
        if (snapshotId >= 0 && updateId(data, "u") <= snapshotId) return false;
        depthLevels(steps, arrayField(data, "b"), 1, t, false, out);
        depthLevels(steps, arrayField(data, "a"), -1, t, false, out);
        return true;
      }
      default: {
        const never: never = kind;
        throw new Error(`unknown stream kind ${String(never)}`);
      }
    }
  };
  return readJsonlLines(text, read, cursor);
}

function updateId(m: Record<string, unknown>, key: string): number {
  const v = m[key];
  if (typeof v !== "number" || !Number.isSafeInteger(v)) throw new LineRejected(`field ${key} missing or not a whole number`);
  return v;
}

/**
 * `[["price", "qty"], ...]` of one side as depth rows; qty 0 deletes the level. A snapshot's first row
 * is marked, and an empty side still gets one row (quantity 0) so that it clears the side.
 */
function depthLevels(steps: Steps, levels: unknown[], side: 1 | -1, t: number, snapshot: boolean, out: TapeBuilder): void {
  const name = side === 1 ? "bid" : "ask";
  if (snapshot && levels.length === 0) out.level(t, side, 0, 0, true);
  levels.forEach((level, i) => {
    if (!Array.isArray(level) || level.length < 2 || typeof level[0] !== "string" || typeof level[1] !== "string")
      throw new LineRejected(`${name} level ${i + 1} is not a ["price", "quantity"] pair of strings`);
    out.level(t, side, steps.price(level[0], `${name} level price`), steps.qty(level[1], `${name} level quantity`), snapshot && i === 0);
  });
}

export function readBinanceJsonlGz(path: string, opts: BinanceJsonlOptions): BinanceJsonlResult {
  return parseBinanceJsonl(gunzipSync(readFileSync(path)).toString("utf8"), opts);
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
