import { describe, expect, it } from "vitest";
import { boundaries, nearest, samplePoints } from "../../targets/agreement/field-solver.js";

describe("the solver by bisection", () => {
  it("finds where a monotone score changes sign, to one step, far from where it starts", () => {
    let calls = 0;
    const g = (x: bigint) => {
      calls++;
      return 3n * x - 1_000_000_000n;
    };
    const [b] = boundaries(g, 0n, 2n ** 50n, 5n, 1);
    expect(b.below).toBe(333_333_333n);
    expect(b.at).toBe(333_333_334n);
    expect(g(b.below)).toBeLessThan(0n);
    expect(g(b.at)).toBeGreaterThanOrEqual(0n);
    // galloping then bisection: about 3 log2(distance) evaluations, not a scan
    expect(calls).toBeLessThan(120);
  });

  it("finds a change below the start, and the nearest of several first", () => {
    const g = (x: bigint) => ((x > 100n && x < 200n) || x > 10_000n ? -1n : 1n);
    const found = boundaries(g, 0n, 100_000n, 150n, 2);
    expect(found.map((b) => [b.below, b.at])).toEqual([
      [199n, 200n],
      [100n, 101n],
    ]);
  });

  it("skips values where the event is refused and stays within the range", () => {
    const g = (x: bigint) => (x % 2n === 0n ? undefined : x - 51n);
    const [b] = boundaries(g, 1n, 99n, 1n, 1);
    expect(b.at).toBeGreaterThanOrEqual(51n);
    expect(samplePoints(10n, 20n, 15n).every((x) => x >= 10n && x <= 20n)).toBe(true);
    expect(boundaries((x) => x - 1_000n, 0n, 100n, 50n)).toEqual([]);
  });

  it("steps toward a target the field cannot reach", () => {
    const n = nearest((x) => 5_000n - x * x, 0n, 50n, 3n);
    expect(n?.x).toBe(50n);
  });
});
