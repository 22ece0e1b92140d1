import { gunzipSync } from "node:zlib";
import { readBoundedFile } from "../bounded-file.js";
import type { EventTape } from "../event-tape.js";
import { parseBinanceJsonl } from "./binance-jsonl.js";
import type { DepthTape } from "./depth-tape.js";
import { decodeEventFile, isEventFile, type Venue } from "./event-file.js";
import { parseHyperliquidJsonl } from "./hyperliquid-jsonl.js";
import { MAX_ERRORS, type JsonlResult } from "./jsonl-lines.js";

/**
 * The one way every command reads `--data`: a Binance or Hyperliquid recording (`.jsonl`, or gzipped),
 * or a binary event file from `lockstep import`, told apart by content, never by name. The instrument
 * decides the ticks and lots: a price off its grid, a malformed line, or an event file imported for
 * another instrument is an error, and nothing is returned with it.
 */
export interface InstrumentSteps {
  readonly instrument: string;
  /** Decimal texts, e.g. "0.01". */
  readonly tick: string;
  readonly lot: string;
  /** Move prices onto a coarser grid instead of refusing them (book and trade events only; see binance-jsonl.ts). */
  readonly snap?: boolean;
}

export interface Recording {
  readonly format: "event file" | "jsonl";
  readonly venue: Venue;
  readonly tape: EventTape;
  readonly depth: DepthTape;
  /** Receive time of the recording's first line, ns since the epoch; tape times count from it. */
  readonly originNs: bigint;
  /** Lines of other streams or channels, which carry nothing Lockstep reads (0 for an event file). */
  readonly skipped: number;
  /** What the reader changed and the user should know (quantities rounded to whole lots), as `path:line: note: ...`. */
  readonly notes: readonly string[];
}

/** Binary event files may be large (48 bytes an event); a gzipped text recording expands at most to this. */
export const MAX_RECORDING_BYTES = 1 << 30;
const MAX_TEXT_BYTES = 512 << 20;

export function loadRecording(path: string, steps: InstrumentSteps): Recording | { error: string } {
  const bytes = readBoundedFile(path, MAX_RECORDING_BYTES);
  if ("error" in bytes) return bytes;
  return parseRecording(bytes, path, steps);
}

const GZIP = [0x1f, 0x8b];

export function parseRecording(input: Uint8Array, path: string, steps: InstrumentSteps): Recording | { error: string } {
  let bytes = input;
  if (bytes[0] === GZIP[0] && bytes[1] === GZIP[1]) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: MAX_TEXT_BYTES });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === "ERR_BUFFER_TOO_LARGE" ? `it expands beyond ${MAX_TEXT_BYTES >> 20} MiB` : `${code ?? (e as Error).message}: truncated or corrupt`;
      return { error: `${path}: cannot decompress the recording (${why})` };
    }
  }
  if (isEventFile(bytes)) return eventFile(bytes, path, steps);
  return jsonl(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("utf8"), path, steps);
}

function eventFile(bytes: Uint8Array, path: string, steps: InstrumentSteps): Recording | { error: string } {
  const f = decodeEventFile(bytes);
  if ("error" in f) return { error: `${path}: byte ${f.error.offset}: ${f.error.message}` };
  if (f.tick !== steps.tick || f.lot !== steps.lot)
    return {
      error: `${path}: imported for ${f.instrument} (tick ${f.tick}, lot ${f.lot}), but ${steps.instrument} trades at tick ${steps.tick}, lot ${steps.lot}; import the recording again with this program`,
    };
  return { format: "event file", venue: f.venue, tape: f.tape, depth: f.depth, originNs: f.originNs, skipped: 0, notes: [] };
}

const HINT = "a recording is one message a line, `<receive ns> <JSON>`: Binance ({\"stream\": ...}) or Hyperliquid ({\"channel\": ...}), as in examples/data/";

/** The venue, from the first line's message: Binance wraps streams (or sends a REST snapshot), Hyperliquid names channels. */
function venueOf(text: string): Venue | { line: number; message: string } {
  const lines = text.split("\n", 64);
  const i = lines.findIndex((l) => l.trim() !== "");
  if (i < 0) return { line: 1, message: "the recording is empty" };
  const json = lines[i].trim().replace(/^\d+\s+/, "");
  if (/^\{\s*"(stream|lastUpdateId)"/.test(json)) return "binance";
  if (/^\{\s*"channel"/.test(json)) return "hyperliquid";
  return { line: i + 1, message: `not a message of a venue Lockstep reads (${JSON.stringify(json.slice(0, 40))})` };
}

function jsonl(text: string, path: string, steps: InstrumentSteps): Recording | { error: string } {
  const venue = venueOf(text);
  if (typeof venue !== "string") return { error: `${path}:${venue.line}: ${venue.message}; ${HINT}` };
  let r: JsonlResult;
  try {
    r = venue === "binance" ? parseBinanceJsonl(text, steps) : parseHyperliquidJsonl(text, steps);
  } catch (e) {
    if (e instanceof RangeError) return { error: `${path}: ${e.message}` };
    throw e;
  }
  if (r.errorCount > 0) {
    const listed = r.errors.map((e) => `${path}:${e.line}: ${e.message}`);
    const more = r.errorCount > MAX_ERRORS ? ` (the first ${MAX_ERRORS} are listed)` : "";
    return { error: `${listed.join("\n")}\n${path}: ${r.errorCount} malformed line${r.errorCount === 1 ? "" : "s"}${more}; nothing was read: fix or remove them` };
  }
  if (r.tape.length === 0) return { error: `${path}: no book or trade event in the recording; ${HINT}` };
  const first = r.firstRounded;
  const others = r.roundedQuantities - 1;
  const notes = first ? [`${path}:${first.line}: note: ${first.message}${others ? `; ${others} more quantities off the lot grid were rounded up` : ""}`] : [];
  return { format: "jsonl", venue, tape: r.tape, depth: r.depth, originNs: r.originNs, skipped: r.skipped, notes };
}
