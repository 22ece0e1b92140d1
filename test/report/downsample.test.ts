import { describe, expect, it } from "vitest";
import { downsampleMinMax } from "../../runtime/report/downsample.js";

describe("downsampleMinMax", () => {
  it("keeps at most two rows per bucket, every series' extremes, and short columns as they are", () => {
    const n = 100_000;
    const x = Float64Array.from({ length: n }, (_, i) => i * 1e-3);
    const wave = x.map((v) => Math.sin(v * 3));
    const spike = new Float64Array(n).fill(1);
    spike[31_337] = 50;
    spike[77_777] = -20;
    const gaps = x.map((_, i) => (i < n / 2 ? NaN : i));
    const d = downsampleMinMax({ x, ys: [wave, spike, gaps] }, 500);
    expect(d.x.length).toBeLessThanOrEqual(1000);
    expect(d.x.length).toBeGreaterThan(900);
    for (let i = 1; i < d.x.length; i++) expect(d.x[i]).toBeGreaterThanOrEqual(d.x[i - 1]);
    expect(Math.max(...d.ys[1])).toBe(50);
    expect(Math.min(...d.ys[1])).toBe(-20);
    expect(Math.max(...d.ys[0])).toBeCloseTo(1, 4);
    expect(Math.min(...d.ys[0])).toBeCloseTo(-1, 4);
    // a bucket with no value stays a gap; the last value survives
    expect(Number.isNaN(d.ys[2][0])).toBe(true);
    expect(d.ys[2][d.x.length - 1]).toBe(n - 1);
    const short = { x: x.subarray(0, 10), ys: [wave.subarray(0, 10)] };
    expect(downsampleMinMax(short, 500)).toBe(short);
  });
});
