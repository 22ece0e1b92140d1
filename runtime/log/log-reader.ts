import { HEADER_FIXED_BYTES, LOG_MAGIC, LOG_VERSION, PROGRAM_HASH_BYTES, RECORD_BYTES, type LogMetadata, type LogRecord } from "./log-format.js";

/** A log that cannot be read: what is wrong and at which byte offset. */
export class LogFormatError extends Error {
  constructor(
    readonly offset: number,
    readonly problem: string,
  ) {
    super(`at byte ${offset}: ${problem}`);
  }
}

/**
 * Random access to a whole log in memory: the header decoded once, records read in place through
 * accessors (no object per record), or decoded one at a time with `record(i)`.
 */
export class LogReader {
  readonly version: number;
  readonly programHash: Uint8Array;
  readonly metadata: LogMetadata;
  /** Number of records. */
  readonly length: number;
  private readonly view: DataView;
  private readonly first: number;

  /** Checks magic, version, record size, metadata and that the records end on a record boundary. */
  constructor(bytes: Uint8Array) {
    if (bytes.length < HEADER_FIXED_BYTES) throw new LogFormatError(bytes.length, `the file ends inside the header (${HEADER_FIXED_BYTES} bytes at least); it is not a complete Lockstep log`);
    const magic = String.fromCharCode(...bytes.subarray(0, LOG_MAGIC.length));
    if (magic !== LOG_MAGIC) throw new LogFormatError(0, `bad magic ${JSON.stringify(magic)}, expected "${LOG_MAGIC}": not a Lockstep run log`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.version = view.getUint16(8, true);
    if (this.version !== LOG_VERSION) throw new LogFormatError(8, `format version ${this.version}; this reader reads version ${LOG_VERSION}`);
    const recordBytes = view.getUint16(10, true);
    if (recordBytes !== RECORD_BYTES) throw new LogFormatError(10, `record size ${recordBytes}, expected ${RECORD_BYTES}`);
    const metaBytes = view.getUint32(12, true);
    this.first = HEADER_FIXED_BYTES + metaBytes;
    if (metaBytes % 8 !== 0 || this.first > bytes.length) throw new LogFormatError(12, `metadata length ${metaBytes} is not a multiple of 8 or runs past the end of the file (${bytes.length} bytes)`);
    this.programHash = bytes.slice(16, 16 + PROGRAM_HASH_BYTES);
    try {
      this.metadata = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(HEADER_FIXED_BYTES, this.first))) as LogMetadata;
    } catch (e) {
      throw new LogFormatError(HEADER_FIXED_BYTES, `the metadata is not UTF-8 JSON (${(e as Error).message})`);
    }
    const rest = bytes.length - this.first;
    if (rest % RECORD_BYTES !== 0)
      throw new LogFormatError(this.first + rest - (rest % RECORD_BYTES), `the file ends inside a record (${rest % RECORD_BYTES} of ${RECORD_BYTES} bytes): it was truncated`);
    this.length = rest / RECORD_BYTES;
    this.view = view;
  }

  /** The program hash as lowercase hex. */
  get programHashHex(): string {
    return Array.from(this.programHash, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  type(i: number): number {
    return this.view.getUint8(this.first + i * RECORD_BYTES);
  }
  aux(i: number): number {
    return this.view.getUint8(this.first + i * RECORD_BYTES + 1);
  }
  level(i: number): number {
    return this.view.getUint16(this.first + i * RECORD_BYTES + 2, true);
  }
  id(i: number): number {
    return this.view.getUint32(this.first + i * RECORD_BYTES + 4, true);
  }
  t(i: number): number {
    return this.view.getFloat64(this.first + i * RECORD_BYTES + 8, true);
  }
  /** Field k (0 = a .. 3 = d) of record i. */
  field(i: number, k: 0 | 1 | 2 | 3): number {
    return this.view.getFloat64(this.first + i * RECORD_BYTES + 16 + 8 * k, true);
  }

  record(i: number): LogRecord {
    if (!(i >= 0 && i < this.length)) throw new RangeError(`record ${i} of ${this.length}`);
    return { type: this.type(i), aux: this.aux(i), level: this.level(i), id: this.id(i), t: this.t(i), a: this.field(i, 0), b: this.field(i, 1), c: this.field(i, 2), d: this.field(i, 3) };
  }
}
