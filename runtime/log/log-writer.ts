import { createHash } from "node:crypto";
import { HEADER_FIXED_BYTES, LOG_MAGIC, LOG_VERSION, PROGRAM_HASH_BYTES, RECORD_BYTES, type LogMetadata } from "./log-format.js";

/** SHA-256 of the program's source text: the header's program hash. */
export function programHash(sourceText: string): Uint8Array {
  return new Uint8Array(createHash("sha256").update(sourceText, "utf8").digest());
}

/** The header bytes: fixed part, then the metadata JSON padded with spaces to a multiple of 8. */
export function encodeHeader(hash: Uint8Array, meta: LogMetadata): Uint8Array {
  if (hash.length !== PROGRAM_HASH_BYTES) throw new RangeError(`a program hash has ${PROGRAM_HASH_BYTES} bytes, got ${hash.length}`);
  const json = new TextEncoder().encode(JSON.stringify(meta));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(HEADER_FIXED_BYTES + padded).fill(0x20, HEADER_FIXED_BYTES);
  const view = new DataView(out.buffer);
  for (let i = 0; i < LOG_MAGIC.length; i++) out[i] = LOG_MAGIC.charCodeAt(i);
  view.setUint16(8, LOG_VERSION, true);
  view.setUint16(10, RECORD_BYTES, true);
  view.setUint32(12, padded, true);
  out.set(hash, 16);
  out.set(json, HEADER_FIXED_BYTES);
  return out;
}

/** Where a writer's full buffers go: a file descriptor's writeSync, an array in tests, a ring. */
export type LogSink = (bytes: Uint8Array) => void;

const BUFFER_RECORDS = 4096;

/**
 * Appends fixed-size records to a buffer and hands each full buffer to the sink. The sink gets a view
 * of the writer's own buffer and must copy or consume it before returning; nothing allocates per record.
 */
export class LogWriter {
  private readonly buffer = new ArrayBuffer(BUFFER_RECORDS * RECORD_BYTES);
  private readonly bytes = new Uint8Array(this.buffer);
  private readonly view = new DataView(this.buffer);
  private used = 0;
  /** Records written so far, header excluded. */
  count = 0;

  constructor(
    private readonly sink: LogSink,
    header: Uint8Array,
  ) {
    sink(header);
  }

  record(type: number, aux: number, level: number, id: number, t: number, a: number, b: number, c: number, d: number): void {
    if (this.used === this.bytes.length) this.flush();
    const v = this.view;
    const at = this.used;
    v.setUint8(at, type);
    v.setUint8(at + 1, aux);
    v.setUint16(at + 2, level, true);
    v.setUint32(at + 4, id >>> 0, true);
    v.setFloat64(at + 8, t, true);
    v.setFloat64(at + 16, a, true);
    v.setFloat64(at + 24, b, true);
    v.setFloat64(at + 32, c, true);
    v.setFloat64(at + 40, d, true);
    this.used += RECORD_BYTES;
    this.count++;
  }

  /** Hands what is buffered to the sink; call once at the end of a run. */
  flush(): void {
    if (this.used > 0) this.sink(this.bytes.subarray(0, this.used));
    this.used = 0;
  }
}

/** A sink that keeps copies in memory, and the whole log as one array: for tests and small runs. */
export function memorySink(): { sink: LogSink; bytes: () => Uint8Array } {
  const chunks: Uint8Array[] = [];
  return {
    sink: (b) => chunks.push(b.slice()),
    bytes: () => {
      const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const c of chunks) {
        out.set(c, at);
        at += c.length;
      }
      return out;
    },
  };
}
