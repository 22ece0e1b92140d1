import { describe, expect, it } from "vitest";
import { HEADER_FIXED_BYTES, RECORD_BYTES, RecordType } from "../../runtime/log/log-format.js";
import { LogFormatError, LogReader } from "../../runtime/log/log-reader.js";
import { encodeHeader, LogWriter, memorySink, programHash } from "../../runtime/log/log-writer.js";

const META = { program: "P", source: "p.lstep", instrument: { name: "X", tick: "0.01", lot: "1" }, outputs: ["quote_valid"], data: "d", simulator: { queue: "conservative" } };

function sample(records: number): Uint8Array {
  const mem = memorySink();
  const w = new LogWriter(mem.sink, encodeHeader(programHash("strategy"), META));
  for (let i = 0; i < records; i++) w.record(RecordType.fill, i & 1, 3, 4_000_000_000 + i, 1e15 + i, 100.5, 2, -1, -0.25);
  w.flush();
  return mem.bytes();
}

describe("the binary run log", () => {
  it("reads back every field of every record and the header, across buffer flushes", () => {
    const bytes = sample(5000); // more than one 4096-record buffer
    const r = new LogReader(bytes);
    expect(r.length).toBe(5000);
    expect(r.metadata).toEqual(META);
    expect(r.programHashHex).toMatch(/^[0-9a-f]{64}$/);
    expect(r.record(4097)).toEqual({ type: RecordType.fill, aux: 1, level: 3, id: 4_000_004_097, t: 1e15 + 4097, a: 100.5, b: 2, c: -1, d: -0.25 });
    expect((bytes.length - HEADER_FIXED_BYTES) % 8).toBe(0);
  });

  it("refuses a file that is not a log, another version, or a truncated one, with the byte offset", () => {
    const good = sample(3);
    const wrongMagic = good.slice();
    wrongMagic[0] = 0x58;
    expect(() => new LogReader(wrongMagic)).toThrow(/at byte 0: bad magic "XSTEPLOG"/);
    const version = good.slice();
    version[8] = 9;
    expect(() => new LogReader(version)).toThrow(/at byte 8: format version 9/);
    expect(() => new LogReader(good.subarray(0, good.length - 5))).toThrow(LogFormatError);
    expect(() => new LogReader(good.subarray(0, good.length - 5))).toThrow(/ends inside a record \(43 of 48 bytes\): it was truncated/);
    expect(() => new LogReader(good.subarray(0, 20))).toThrow(/ends inside the header/);
    expect(new LogReader(good.subarray(0, good.length - RECORD_BYTES)).length).toBe(2);
  });
});
