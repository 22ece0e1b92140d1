import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { repeatTape } from "../runtime/feed/binance-jsonl.js";
import { allocateDepthTape } from "../runtime/feed/depth-tape.js";
import { decodeEventFile, encodeEventFile } from "../runtime/feed/event-file.js";
import { loadRecording, parseRecording, type InstrumentSteps } from "../runtime/feed/load-recording.js";
import { formatTable, measure } from "./measure.js";

/**
 * Reading market data: the binary event file against the recording it was imported from (gzip,
 * JSON.parse per line, decimal strings to ticks), on the same events, in one run. Per event of the tape
 * (book and trade); the recording's depth rows are read too. Then a 10^6-event file from disk, for scale.
 */
const EXCERPT = "examples/data/btcusdt-20240808-excerpt.jsonl.gz";
const STEPS: InstrumentSteps = { instrument: "BTCUSDT", tick: "0.01", lot: "0.00001" };
const LARGE = Number(process.env.LOCKSTEP_BENCH_EVENTS ?? 1_000_000);

function loaded(r: ReturnType<typeof loadRecording>) {
  if ("error" in r) throw new Error(r.error);
  return r;
}

export async function benchRecordingRead(): Promise<string> {
  const gz = readFileSync(EXCERPT);
  const text = gunzipSync(gz);
  const rec = loaded(parseRecording(gz, EXCERPT, STEPS));
  const file = encodeEventFile({ ...STEPS, venue: rec.venue, originNs: rec.originNs, tape: rec.tape, depth: rec.depth });
  const dir = mkdtempSync(join(tmpdir(), "lockstep-bench-"));
  const count = (r: { tape: { length: number }; depth: { length: number } }) => r.tape.length + r.depth.length;
  try {
    const onDisk = join(dir, "excerpt.lse");
    writeFileSync(onDisk, file);
    const large = encodeEventFile({ ...STEPS, venue: "binance", originNs: 0n, tape: repeatTape(rec.tape, LARGE), depth: allocateDepthTape(0) });
    const largeOnDisk = join(dir, "large.lse");
    writeFileSync(largeOnDisk, large);
    const events = rec.tape.length;
    const rows = [
      await measure("jsonl.gz from disk (gunzip, JSON.parse)", () => count(loaded(loadRecording(EXCERPT, STEPS))), events, { warmup: 2, reps: 5 }),
      await measure("jsonl in memory (JSON.parse)", () => count(loaded(parseRecording(text, EXCERPT, STEPS))), events, { warmup: 2, reps: 5 }),
      await measure("event file in memory (checks, hash, columns)", () => {
        const r = decodeEventFile(file);
        if ("error" in r) throw new Error(r.error.message);
        return count(r);
      }, events),
      await measure("event file from disk", () => count(loaded(loadRecording(onDisk, STEPS))), events),
    ];
    const big = await measure(`${LARGE} events, event file from disk`, () => loaded(loadRecording(largeOnDisk, STEPS)).tape.length, LARGE, { warmup: 1, reps: 3 });
    const perSecond = (ns: number) => (ns > 1e3 ? `${(1e6 / ns).toFixed(1)} k events/s` : `${(1e3 / ns).toFixed(1)} M events/s`);
    return [
      `reading market data: ${events} events and ${rec.depth.length} depth rows of ${EXCERPT} (${gz.length} bytes gzipped, ${file.length} as an event file)`,
      formatTable(rows, "event file in memory (checks, hash, columns)"),
      ...rows.map((r) => `  ${r.name}: ${perSecond(r.nsPerEvent)}`),
      `  ${big.name}: ${perSecond(big.nsPerEvent)} (${large.length} bytes)`,
    ].join("\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(`${await benchRecordingRead()}\n`);
