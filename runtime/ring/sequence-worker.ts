/**
 * One end of a ring soak test and benchmark: the producer writes numbered records whose every value is
 * a function of its number, the consumer checks each record whole and in order. Run by sendSequence.
 */
import { serveJob } from "../worker-group.js";
import { CHECKSUM_SEED, mixRecord, mixValue } from "./record-checksum.js";
import { RingConsumer } from "./ring-consumer.js";
import { RingProducer } from "./ring-producer.js";
import type { SequenceEnd, SequenceEndResult } from "./sequence-messages.js";

/** Value i of record `seq`: 0 holds the number itself, the others hash it with their position. */
const expected = (seq: number, i: number): number => (i === 0 ? seq : mixValue(seq, i) >>> 0);

function produce(ring: RingProducer, records: number, batch: number): SequenceEndResult {
  const { data, recordSize } = ring;
  let checksum = CHECKSUM_SEED;
  for (let seq = 0; seq < records; seq++) {
    const at = ring.claim();
    if (at >= 0) {
      for (let i = 0; i < recordSize; i++) data[at + i] = expected(seq, i);
      checksum = mixRecord(checksum, data, at, recordSize);
    }
    if ((seq + 1) % batch === 0) ring.publish();
  }
  ring.close();
  return { records, checksum, dropped: ring.droppedCount, inOrder: true, intact: true };
}

/** Sleeps `ms` milliseconds every `every` records: a slow consumer. */
function consume(ring: RingConsumer, pauseEvery: number, pauseMs: number): SequenceEndResult {
  const { data, recordSize } = ring;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  let received = 0;
  let last = -1;
  let inOrder = true;
  let intact = true;
  let checksum = CHECKSUM_SEED;
  for (let n = ring.acquire(); n > 0; n = ring.acquire()) {
    for (let k = 0; k < n; k++) {
      const at = ring.next();
      const seq = data[at];
      if (!(seq > last)) inOrder = false;
      last = seq;
      for (let i = 1; i < recordSize; i++) if (data[at + i] !== expected(seq, i)) intact = false;
      checksum = mixRecord(checksum, data, at, recordSize);
      if (++received % pauseEvery === 0) Atomics.wait(sleeper, 0, 0, pauseMs);
    }
    ring.release();
  }
  return { records: received, checksum, dropped: ring.droppedCount, inOrder, intact };
}

await serveJob(
  (end: SequenceEnd) => end,
  (end: SequenceEnd) => {
    switch (end.role) {
      case "producer":
        return produce(new RingProducer(end.ring), end.records, end.batch);
      case "consumer":
        return consume(new RingConsumer(end.ring), end.pauseEvery, end.pauseMs);
      default:
        return end satisfies never;
    }
  },
);
