import { RECORD_BYTES } from "../log/log-format.js";
import type { LogSink } from "../log/log-writer.js";
import type { RingProducer } from "../ring/ring-producer.js";

/** A log record is one ring record: 48 bytes, six float64 slots. */
export const LOG_RING_RECORD_SIZE = RECORD_BYTES / 8;
const WORDS = RECORD_BYTES / 4;

/**
 * A LogWriter sink that puts each record of a flushed buffer into the log ring, then publishes. The
 * words are copied as int32, not float64: the record's first word (type, aux, level, id) read as a
 * double could be a NaN that a copy would not keep bit for bit. A full ring follows its policy: with
 * `drop`, the record is lost and counted by the ring. Allocates nothing after the first call.
 */
export function ringLogSink(ring: RingProducer): LogSink {
  const to = new Int32Array(ring.data.buffer, ring.data.byteOffset, ring.data.length * 2);
  let source: ArrayBufferLike | undefined;
  let from: Int32Array<ArrayBufferLike> = new Int32Array(0);
  return (bytes) => {
    if (bytes.buffer !== source) {
      source = bytes.buffer;
      from = new Int32Array(bytes.buffer);
    }
    const first = bytes.byteOffset / 4;
    const end = first + bytes.length / 4;
    for (let w = first; w < end; w += WORDS) {
      const at = ring.claim();
      if (at < 0) continue;
      const o = at * 2;
      for (let i = 0; i < WORDS; i++) to[o + i] = from[w + i];
    }
    ring.publish();
  };
}
