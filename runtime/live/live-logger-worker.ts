/**
 * The logger worker of `lockstep run`: the log ring's records appended to the run log, through a
 * staging buffer written when full or when the ring is empty. Records the strategy's end dropped (drop
 * policy) are reported in the log itself, by a ringOverflow record, as soon as they are seen.
 */
import { writeSync } from "node:fs";
import { RECORD_BYTES, RecordType } from "../log/log-format.js";
import { RingConsumer } from "../ring/ring-consumer.js";
import { serveJob } from "../worker-group.js";
import type { LiveLoggerJob, LiveLoggerResult } from "./live-messages.js";
import { LOG_RING } from "./ring-numbers.js";

const STAGE_RECORDS = 4096;
const WORDS = RECORD_BYTES / 4;

function logger(job: LiveLoggerJob): LiveLoggerResult {
  const ring = new RingConsumer(job.log);
  const words = new Int32Array(ring.data.buffer, ring.data.byteOffset, ring.data.length * 2);
  const stage = new ArrayBuffer(STAGE_RECORDS * RECORD_BYTES);
  const out = new Int32Array(stage);
  const bytes = new Uint8Array(stage);
  const view = new DataView(stage);
  let used = 0;
  let records = 0;
  let passed = 0;
  let reported = 0;
  const flush = () => {
    for (let at = 0, end = used * RECORD_BYTES; job.fd >= 0 && at < end; ) at += writeSync(job.fd, bytes, at, end - at);
    used = 0;
  };
  // the time of the last record read is passed in, not kept in a variable the closures share: a double
  // stored in a closure's context is boxed on every store, an allocation per record
  const overflow = (lastT: number) => {
    const dropped = ring.droppedCount;
    if (dropped === reported) return;
    if (used === STAGE_RECORDS) flush();
    const at = used * RECORD_BYTES;
    out.fill(0, used * WORDS, (used + 1) * WORDS);
    view.setUint8(at, RecordType.ringOverflow);
    view.setUint8(at + 1, LOG_RING);
    view.setFloat64(at + 8, lastT, true);
    view.setFloat64(at + 16, dropped - reported, true);
    reported = dropped;
    used++;
    records++;
  };
  let lastAt = -1;
  for (;;) {
    let k = ring.poll();
    if (k === 0) {
      flush();
      k = ring.acquire();
      if (k === 0) break;
    }
    for (let i = 0; i < k; i++) {
      const at = (lastAt = ring.next());
      if (used === STAGE_RECORDS) flush();
      const from = at * 2;
      const to = used * WORDS;
      for (let w = 0; w < WORDS; w++) out[to + w] = words[from + w];
      used++;
    }
    records += k;
    passed += k;
    ring.release();
    overflow(ring.data[lastAt + 1]);
  }
  overflow(lastAt >= 0 ? ring.data[lastAt + 1] : 0);
  flush();
  return { records, passed, dropped: reported };
}

await serveJob((job: LiveLoggerJob) => job, logger);
