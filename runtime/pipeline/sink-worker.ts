/** The sink worker: counts and checksums the strategy's output records (the logger's place in `lockstep run`). */
import { CHECKSUM_SEED, mixRecord } from "../ring/record-checksum.js";
import { RingConsumer } from "../ring/ring-consumer.js";
import { serveJob } from "../worker-group.js";
import type { SinkJob, SinkResult } from "./pipeline-messages.js";

function sink(job: SinkJob): SinkResult {
  const ring = new RingConsumer(job.outputs);
  const { data, recordSize } = ring;
  let records = 0;
  let checksum = CHECKSUM_SEED;
  for (let n = ring.acquire(); n > 0; n = ring.acquire()) {
    for (let i = 0; i < n; i++) checksum = mixRecord(checksum, data, ring.next(), recordSize);
    records += n;
    ring.release();
  }
  return { records, checksum };
}

await serveJob((job: SinkJob) => job, sink);
