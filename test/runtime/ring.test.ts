import { describe, expect, it } from "vitest";
import { RingConsumer } from "../../runtime/ring/ring-consumer.js";
import { createRing, HEAD, TAIL, viewRing } from "../../runtime/ring/ring-layout.js";
import { RingProducer } from "../../runtime/ring/ring-producer.js";
import { sendSequence } from "../../runtime/ring/send-sequence.js";

/** Reads everything ready (without waiting) as rows of values. */
function drain(c: RingConsumer): number[][] {
  const rows: number[][] = [];
  for (let n = c.poll(); n > 0; n = c.poll()) {
    for (let i = 0; i < n; i++) {
      const at = c.next();
      rows.push(Array.from(c.data.subarray(at, at + c.recordSize)));
    }
    c.release();
  }
  return rows;
}

describe("ring in one thread", () => {
  it("wraps around the capacity boundary, keeping order and values", () => {
    const ring = createRing({ capacity: 8, recordSize: 3, full: "drop" });
    const p = new RingProducer(ring);
    const c = new RingConsumer(ring);
    for (let i = 0; i < 5; i++) p.write([i, -i, i * 1e12]);
    p.publish();
    expect(drain(c).map((r) => r[0])).toEqual([0, 1, 2, 3, 4]);
    // 8 more: slots 5, 6, 7 then 0..4 again
    const offsets: number[] = [];
    for (let i = 5; i < 13; i++) {
      const at = p.claim();
      offsets.push(at);
      p.data.set([i, -i, i * 1e12], at);
    }
    expect(offsets).toEqual([5, 6, 7, 0, 1, 2, 3, 4].map((s) => s * 3));
    expect(c.poll()).toBe(0); // claimed, not yet published
    p.publish();
    expect(drain(c)).toEqual([5, 6, 7, 8, 9, 10, 11, 12].map((i) => [i, -i, i * 1e12]));
  });

  it("keeps order when the int32 indices wrap past 2^31 (as after 2^31 records)", () => {
    const ring = createRing({ capacity: 4, recordSize: 1, full: "drop" });
    const { control } = viewRing(ring);
    control[HEAD] = control[TAIL] = 2 ** 31 - 3; // ends opened on a ring in use carry on from its indices
    const p = new RingProducer(ring);
    const c = new RingConsumer(ring);
    const seen: number[] = [];
    for (let i = 0; i < 12; i += 3) {
      for (let k = i; k < i + 3; k++) expect(p.write([k])).toBe(true);
      p.publish();
      seen.push(...drain(c).flat());
    }
    expect(seen).toEqual([...Array(12).keys()]);
    expect(control[HEAD]).toBe(-(2 ** 31) + 9);
    expect(p.droppedCount).toBe(0);
  });

  it("drops and counts records that find the ring full, on both ends", () => {
    const ring = createRing({ capacity: 4, recordSize: 1, full: "drop" });
    const p = new RingProducer(ring);
    const c = new RingConsumer(ring);
    const written = [0, 1, 2, 3, 4, 5].map((i) => p.write([i]));
    expect(written).toEqual([true, true, true, true, false, false]);
    p.publish();
    expect(p.droppedCount).toBe(2);
    expect(c.droppedCount).toBe(2);
    expect(drain(c).flat()).toEqual([0, 1, 2, 3]);
    expect(p.write([6])).toBe(true);
    p.close();
    expect(drain(c).flat()).toEqual([6]);
  });

  it("ends after a close once every record is read", () => {
    const ring = createRing({ capacity: 16, recordSize: 2, full: "wait" });
    const p = new RingProducer(ring);
    const c = new RingConsumer(ring);
    p.write([1, 2]);
    p.write([3]);
    p.close();
    expect(c.closed).toBe(true);
    expect(c.acquire()).toBe(2);
    expect([c.next(), c.next()]).toEqual([0, 2]);
    expect(Array.from(c.data.subarray(0, 4))).toEqual([1, 2, 3, 0]);
    expect(c.acquire()).toBe(0);
    expect(() => p.claim()).toThrow("this ring's producer is closed; no record can be written after close()");
  });

  it("refuses a zero, odd or huge capacity, empty records, a record larger than the ring's, and foreign memory", () => {
    expect(() => createRing({ capacity: 0, recordSize: 6, full: "wait" })).toThrow(/capacity of at least 1 record, got 0/);
    expect(() => createRing({ capacity: 1000, recordSize: 6, full: "wait" })).toThrow(/power of two.*got 1000; use 1024/);
    expect(() => createRing({ capacity: 2 ** 25, recordSize: 6, full: "wait" })).toThrow(/power of two up to 16777216/);
    expect(() => createRing({ capacity: 2 ** 24, recordSize: 16, full: "wait" })).toThrow(/needs 2147483648 bytes/);
    expect(() => createRing({ capacity: 8, recordSize: 0, full: "wait" })).toThrow(/at least 1, got 0/);
    expect(() => createRing({ capacity: 8, recordSize: 6, full: "block" as "wait" })).toThrow(/wait or drop, got "block"/);
    expect(() => createRing({ capacity: 8, recordSize: 6, full: "wait", spin: -1 })).toThrow(/spin count/);
    const p = new RingProducer(createRing({ capacity: 8, recordSize: 6, full: "wait" }));
    expect(() => p.write([1, 2, 3, 4, 5, 6, 7])).toThrow("a record of 7 values is larger than this ring's records (6 values)");
    expect(() => viewRing(new SharedArrayBuffer(4096))).toThrow(/not a ring/);
  });
});

// Two worker threads each (run from dist/: `npm test` builds first). About 1–3 s in all on 2 busy cores.
describe("ring between two workers", () => {
  it("carries 10^7 records, none lost, in order, each intact", async () => {
    const r = await sendSequence({ records: 1e7, capacity: 4096, recordSize: 6, full: "wait", batch: 256 });
    expect([r.sent, r.received, r.dropped]).toEqual([1e7, 1e7, 0]);
    expect(r.inOrder && r.intact).toBe(true);
    expect(r.receivedChecksum).toBe(r.sentChecksum);
  });

  it("drop: a slow consumer loses records, each one counted, and the rest arrive in order", async () => {
    const r = await sendSequence({ records: 200_000, capacity: 64, recordSize: 6, full: "drop", batch: 16, pause: { every: 500, ms: 1 } });
    expect(r.dropped).toBeGreaterThan(0);
    expect(r.dropped + r.received).toBe(r.sent);
    expect(r.droppedSeenByConsumer).toBe(r.dropped);
    expect(r.inOrder && r.intact).toBe(true);
    expect(r.receivedChecksum).toBe(r.sentChecksum);
  });

  it("wait: a slow consumer holds the producer back and loses nothing, sleeping or spinning", async () => {
    for (const spin of [0, 200]) {
      const r = await sendSequence({ records: 20_000, capacity: 64, recordSize: 6, full: "wait", spin, batch: 16, pause: { every: 2_000, ms: 1 } });
      expect([r.sent, r.received, r.dropped]).toEqual([20_000, 20_000, 0]);
      expect(r.inOrder && r.intact).toBe(true);
      expect(r.receivedChecksum).toBe(r.sentChecksum);
    }
  });
});
