import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeEventFile, encodeEventFile } from "../../runtime/feed/event-file.js";
import { loadRecording, parseRecording, type Recording } from "../../runtime/feed/load-recording.js";

const EXCERPT = "examples/data/btcusdt-20240808-excerpt.jsonl.gz";
const STEPS = { instrument: "BTCUSDT", tick: "0.01", lot: "0.00001" };

function ok(r: Recording | { error: string }): Recording {
  if ("error" in r) throw new Error(r.error);
  return r;
}

const excerpt = ok(loadRecording(EXCERPT, STEPS));
const file = encodeEventFile({ ...STEPS, venue: excerpt.venue, originNs: excerpt.originNs, tape: excerpt.tape, depth: excerpt.depth });

describe("the binary event file", () => {
  it("round-trips a recording: the same events, depth rows, origin and instrument", () => {
    const back = decodeEventFile(file);
    if ("error" in back) throw new Error(back.error.message);
    expect(back).toEqual({ ...STEPS, venue: "binance", originNs: excerpt.originNs, tape: excerpt.tape, depth: excerpt.depth });
    expect(file.length).toBe(64 + 24 + 48 * excerpt.tape.length + 32 * excerpt.depth.length); // "BTCUSDT0.010.00001" padded to 24
  });

  it("is told apart from text by content, not by name, gzipped or not", () => {
    const dir = mkdtempSync(join(tmpdir(), "lockstep-lse-"));
    const paths = { binary: join(dir, "looks.jsonl.gz"), gzBinary: join(dir, "x.lse"), text: join(dir, "plain.lse") };
    writeFileSync(paths.binary, file);
    writeFileSync(paths.gzBinary, gzipSync(file));
    writeFileSync(paths.text, readFileSync(EXCERPT));
    for (const p of Object.values(paths)) expect(ok(loadRecording(p, STEPS)).tape).toEqual(excerpt.tape);
    expect(ok(loadRecording(paths.binary, STEPS)).format).toBe("event file");
  });

  it("refuses a file imported for another instrument", () => {
    const r = parseRecording(file, "x.lse", { instrument: "PERP", tick: "0.1", lot: "0.001" });
    expect(r).toEqual({ error: "x.lse: imported for BTCUSDT (tick 0.01, lot 0.00001), but PERP trades at tick 0.1, lot 0.001; import the recording again with this program" });
  });

  it("refuses every truncation and every flipped byte with a message, never a crash", () => {
    const cuts = [0, 7, 63, 64, 87, 88, 100, file.length - 33, file.length - 1];
    for (const n of cuts) {
      const r = parseRecording(file.subarray(0, n), "x.lse", STEPS);
      expect("error" in r ? r.error : "").toMatch(/^x\.lse(:1)?: /);
    }
    expect(parseRecording(file.subarray(0, 100), "x.lse", STEPS)).toEqual({
      error: `x.lse: byte 100: truncated: 100 bytes, but the header promises ${excerpt.tape.length} events and ${excerpt.depth.length} depth rows (${file.length} bytes)`,
    });
    // one flipped bit anywhere: the header checks or the hash refuse it
    for (const at of [8, 12, 16, 30, 50, 70, 200, file.length - 1]) {
      const bad = file.slice();
      bad[at] ^= 1;
      const r = parseRecording(bad, "x.lse", STEPS);
      expect("error" in r).toBe(true);
    }
    const flipped = file.slice();
    flipped[5000] ^= 1;
    expect(parseRecording(flipped, "x.lse", STEPS)).toEqual({ error: "x.lse: byte 40: the hash does not match the contents: the file is corrupt" });
    const longer = new Uint8Array(file.length + 3);
    longer.set(file);
    expect(parseRecording(longer, "x.lse", STEPS)).toEqual({ error: `x.lse: byte ${file.length}: 3 bytes after the ${excerpt.tape.length} events and ${excerpt.depth.length} depth rows the header promises: the file is corrupt` });
    expect(parseRecording(gzipSync(file).subarray(0, 1000), "x.lse.gz", STEPS)).toEqual({ error: "x.lse.gz: cannot decompress the recording (Z_BUF_ERROR: truncated or corrupt)" });
  });

  it("checks every row even when the hash matches: whole numbers, known kinds, time order", () => {
    const rows = (edit: (tape: Recording["tape"]) => void) => {
      const tape = structuredClone(excerpt.tape);
      edit(tape);
      return parseRecording(encodeEventFile({ ...STEPS, venue: "binance", originNs: 0n, tape, depth: excerpt.depth }), "x.lse", STEPS);
    };
    const bad = (i: number) => ({ error: `x.lse: byte ${88 + 48 * i}: event ${i + 1} is not a book or trade row of whole numbers in time order: the file is corrupt` });
    expect(rows((t) => (t.a[3] = 0.5))).toEqual(bad(3));
    expect(rows((t) => (t.kind[7] = 2))).toEqual(bad(7));
    expect(rows((t) => (t.t[9] = t.t[8] - 1))).toEqual(bad(9));
    expect(rows((t) => (t.d[0] = 2 ** 53))).toEqual(bad(0));
  });

  it("reports malformed lines of a text recording as file:line and reads nothing", () => {
    const text = readFileSync(EXCERPT);
    const lines = gunzipSync(text).toString("utf8").split("\n");
    lines[4] = lines[4].replace('"b":"61837.63000000"', '"b":"61837.635"');
    lines[9] = "1723161254116723068 {oops";
    const r = parseRecording(Buffer.from(lines.join("\n")), "rec.jsonl", STEPS);
    expect("error" in r ? r.error.split("\n") : []).toEqual([
      "rec.jsonl:5: bid price 61837.635 is not a whole number of ticks (tick 0.01): off the tick grid of BTCUSDT",
      expect.stringMatching(/^rec\.jsonl:10: bad JSON/),
      "rec.jsonl: 2 malformed lines; nothing was read: fix or remove them",
    ]);
    expect(parseRecording(Buffer.from("12 {\"foo\":1}\n"), "rec.jsonl", STEPS)).toEqual({
      error: expect.stringMatching(/^rec\.jsonl:1: not a message of a venue Lockstep reads/),
    });
  });
});


describe("the loader on hostile input", () => {
  const small = encodeEventFile({ ...STEPS, venue: "binance", originNs: 5n, tape: excerpt.tape, depth: excerpt.depth }).subarray(0, 2000);
  const text = readFileSync(EXCERPT);
  it("answers every mangled file with a recording or a message, never an exception", () => {
    fc.assert(
      fc.property(fc.constantFrom(small, gunzipSync(text).subarray(0, 3000), gzipSync(small)), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(), (base, edits, cut) => {
        const bytes = base.slice(0, base.length - (cut % 64));
        for (const [at, value] of edits) bytes[at % bytes.length] = value;
        const r = parseRecording(bytes, "x", STEPS);
        if ("error" in r) expect(r.error).toMatch(/^x(:\d+)?: /);
        else expect(r.tape.length).toBeGreaterThan(0);
      }),
      { numRuns: 300, seed: 9 },
    );
  });
});
