import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stepConverter } from "../../runtime/feed/decimal-steps.js";

/** value / step by rationals: whole steps, or undefined off the grid. */
function reference(value: string, step: string): number | undefined {
  const rational = (s: string) => {
    const [i, f = ""] = s.split(".");
    return { n: BigInt(i + f), d: 10n ** BigInt(f.length) };
  };
  const v = rational(value);
  const st = rational(step);
  const num = v.n * st.d;
  const den = v.d * st.n;
  return num % den === 0n && num / den <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(num / den) : undefined;
}

describe("stepConverter", () => {
  it("gives the exact rational answer, on the grid or off it, whichever path it takes", () => {
    const step = fc.constantFrom("0.01", "0.00001", "0.5", "1", "0.1", "0.0001", "0.05", "0.25", "5");
    const value = fc
      .tuple(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.string({ unit: fc.constantFrom(..."0123456789"), maxLength: 10 }), fc.nat(6))
      .map(([i, f, zeros]) => (f === "" && zeros === 0 ? String(i) : `${i}.${f}${"0".repeat(zeros)}`).replace(/\.$/, ".0"));
    fc.assert(
      fc.property(value, step, (v, s) => {
        const got = stepConverter(s, "tick")(v);
        const want = reference(v, s);
        expect(typeof got === "number" ? got : undefined).toBe(want);
      }),
      { numRuns: 3000, seed: 4 },
    );
  });
});
