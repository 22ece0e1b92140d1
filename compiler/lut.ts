import * as X from "./exact-math.js";
import type { Interval, Lut, TableFunction } from "./ir.js";

/**
 * Lookup tables for transcendentals used per event. A table samples f at evenly spaced raw inputs
 * 2^shift apart, starting at the low end of the input's proven range; between samples the IR
 * interpolates linearly with integer ops. Table bits come from exact arithmetic at compile time, so every
 * target embeds the same bits on every machine.
 */

export const LUT_FRAC = 32;
const MAX_SEGMENTS_LOG2 = 10;

export interface LutFunction {
  readonly name: TableFunction["fn"];
  readonly exact: (x: X.Rational) => X.Rational;
  readonly approx: (x: number) => number;
}

export interface LutPlan {
  readonly lut: Lut;
  readonly base: bigint;
  readonly shift: number;
  readonly outRange: Interval;
}

export function planLut(fn: LutFunction, input: Interval, inputFrac: number): LutPlan {
  const span = input.hi - input.lo;
  let shift = 0;
  while (span >> BigInt(shift) > BigInt(1 << MAX_SEGMENTS_LOG2)) shift++;
  const segments = Number(span >> BigInt(shift)) + 1;
  const scale = 1n << BigInt(LUT_FRAC);
  const xAt = (i: number) => X.rat(input.lo + (BigInt(i) << BigInt(shift)), 1n << BigInt(inputFrac));
  const values: bigint[] = [];
  for (let i = 0; i <= segments; i++) {
    const y = X.mul(fn.exact(xAt(i)), X.rat(scale));
    values.push(X.floorR(X.add(y, X.rat(1n, 2n))));
  }
  const lo = values.reduce((a, b) => (b < a ? b : a));
  const hi = values.reduce((a, b) => (b > a ? b : a));
  const lut: Lut = {
    name: fn.name,
    values,
    frac: LUT_FRAC,
    maxError: measureError(fn, values, input, inputFrac, shift),
    description: `${fn.name} on [${X.toNumber(xAt(0))}, ${X.toNumber(xAt(segments))}], ${segments} segments, linear interpolation`,
  };
  return { lut, base: input.lo, shift, outRange: { lo, hi } };
}

/** Dense sampling of |interpolated - f| in output units: the error bound the compiler reports. */
function measureError(fn: LutFunction, values: bigint[], input: Interval, inputFrac: number, shift: number): number {
  const scale = 2 ** LUT_FRAC;
  const step = 2 ** shift / 2 ** inputFrac;
  const x0 = Number(input.lo) / 2 ** inputFrac;
  let worst = 0;
  for (let i = 0; i + 1 < values.length; i++) {
    const y0 = Number(values[i]) / scale;
    const y1 = Number(values[i + 1]) / scale;
    for (let s = 0; s <= 8; s++) {
      const t = s / 8;
      worst = Math.max(worst, Math.abs(y0 + (y1 - y0) * t - fn.approx(x0 + (i + t) * step)));
    }
  }
  return worst + 2 ** -LUT_FRAC;
}

export const LUT_FUNCTIONS: Record<"ln" | "exp" | "sqrt", LutFunction> = {
  ln: { name: "ln", exact: X.ln, approx: Math.log },
  exp: { name: "exp", exact: X.exp, approx: Math.exp },
  sqrt: { name: "sqrt", exact: X.sqrt, approx: Math.sqrt },
};
