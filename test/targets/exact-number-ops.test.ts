import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { roundDiv } from "../../compiler/interval.js";
import type { Rounding } from "../../compiler/ir.js";
import { mulShr, wellFormed } from "../../targets/ts/exact-number-ops.js";

const MODES: Rounding[] = ["floor", "ceil", "half_even"];
const LIMIT = 2n ** 53n - 1n;
const safe = fc.bigInt({ min: -LIMIT, max: LIMIT });

function reference(a: bigint, b: bigint, n: number, mode: Rounding): bigint {
  return roundDiv(a * b, 1n << BigInt(n), mode);
}

describe("exact number helpers agree with BigInt", () => {
  it("mulShr on products up to 64 bits", () => {
    fc.assert(
      fc.property(safe, safe, fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 2 }), (a, b, n, m) => {
        const p = a * b;
        fc.pre(p < 2n ** 63n && p > -(2n ** 63n));
        const want = reference(a, b, n, MODES[m]);
        fc.pre(want <= LIMIT && want >= -LIMIT);
        expect(mulShr(Number(a), Number(b), n, m)).toBe(Number(want));
      }),
      { numRuns: 20000 },
    );
  });

  it("mulShr at the edges of exact ties", () => {
    for (const [a, b, n] of [
      [3n, 1n, 1],
      [-3n, 1n, 1],
      [5n, 1n, 1],
      [(1n << 40n) + 1n, (1n << 22n) + 3n, 50],
      [-((1n << 52n) - 1n), 2047n, 49],
      [(1n << 31n) * 3n, (1n << 31n) * 5n, 60],
    ] as const)
      for (let m = 0; m < 3; m++) expect(mulShr(Number(a), Number(b), n, m)).toBe(Number(reference(a, b, n, MODES[m])));
  });

  it("wellFormed accepts exactly rows of six safe integers", () => {
    const row = (...xs: number[]) => new Float64Array(xs);
    expect(wellFormed(row(0, 1, 2, 3, 4, 5), 0)).toBe(true);
    expect(wellFormed(row(0, 2 ** 53 - 1, -(2 ** 53 - 1), 0, 0, 0), 0)).toBe(true);
    for (const bad of [0.5, NaN, Infinity, -Infinity, 2 ** 53, -(2 ** 53)])
      for (let i = 0; i < 6; i++) {
        const r = row(1, 1, 1, 1, 1, 1);
        r[i] = bad;
        expect(wellFormed(r, 0), `${bad} at ${i}`).toBe(false);
      }
  });
});
