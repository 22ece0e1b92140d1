/**
 * The two ends of a ring soak test and benchmark: the producer writes numbered records whose every
 * value is a function of its number, the consumer checks each record whole and in order.
 */
import { CHECKSUM_SEED, mixRecord, mixValue } from "./record-checksum.js";
import type { RingConsumer } from "./ring-consumer.js";
import type { RingProducer } from "./ring-producer.js";
import type { SequenceEndResult } from "./sequence-messages.js";

/** Value i of record `seq`: 0 holds the number itself, the others hash it with their position (an int32, which the JIT keeps unboxed). */
const expected = (seq: number, i: number): number => (i === 0 ? seq : mixValue(seq, i));

export function produce(ring: RingProducer, records: number, batch: number): SequenceEndResult {
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
export function consume(ring: RingConsumer, pauseEvery: number, pauseMs: number): SequenceEndResult {
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

/** Both ends' work per record without a ring or a second thread: the benchmark's baseline. */
export function produceAndCheckInOneThread(records: number, recordSize: number): SequenceEndResult {
  const record = new Float64Array(recordSize);
  let intact = true;
  let checksum = CHECKSUM_SEED;
  for (let seq = 0; seq < records; seq++) {
    for (let i = 0; i < recordSize; i++) record[i] = expected(seq, i);
    checksum = mixRecord(checksum, record, 0, recordSize);
    for (let i = 1; i < recordSize; i++) if (record[i] !== expected(record[0], i)) intact = false;
    checksum = mixRecord(checksum, record, 0, recordSize);
  }
  return { records, checksum, dropped: 0, inOrder: true, intact };
}
