import type { Interval, Rounding } from "./ir.js";

/** Interval arithmetic on raw integers: the heart of range analysis. Each function is exact and sound. */

export const iv = (lo: bigint, hi: bigint): Interval => ({ lo, hi });
export const point = (v: bigint): Interval => ({ lo: v, hi: v });
export const BOOL: Interval = iv(0n, 1n);

export const LIMIT_53 = (1n << 53n) - 1n;
export const LIMIT_64 = (1n << 63n) - 1n;

const min = (...xs: bigint[]) => xs.reduce((a, b) => (b < a ? b : a));
const max = (...xs: bigint[]) => xs.reduce((a, b) => (b > a ? b : a));

export function hull(a: Interval, b: Interval): Interval {
  return iv(min(a.lo, b.lo), max(a.hi, b.hi));
}

export function contains(outer: Interval, inner: Interval): boolean {
  return outer.lo <= inner.lo && inner.hi <= outer.hi;
}

export function fits(r: Interval, limit: bigint): boolean {
  return r.lo >= -limit && r.hi <= limit;
}

/** Signed bits needed to hold every value of the interval. */
export function bitsFor(r: Interval): number {
  const need = (v: bigint) => (v >= 0n ? v.toString(2).length + 1 : (-v - 1n).toString(2).length + 1);
  return Math.max(need(r.lo), need(r.hi));
}

export function addI(a: Interval, b: Interval): Interval {
  return iv(a.lo + b.lo, a.hi + b.hi);
}

export function subI(a: Interval, b: Interval): Interval {
  return iv(a.lo - b.hi, a.hi - b.lo);
}

export function negI(a: Interval): Interval {
  return iv(-a.hi, -a.lo);
}

export function absI(a: Interval): Interval {
  if (a.lo >= 0n) return a;
  if (a.hi <= 0n) return negI(a);
  return iv(0n, max(-a.lo, a.hi));
}

export function mulI(a: Interval, b: Interval): Interval {
  const c = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi];
  return iv(min(...c), max(...c));
}

export function squareI(a: Interval): Interval {
  const m = absI(a);
  return iv(m.lo * m.lo, m.hi * m.hi);
}

/** round(n / d) for d > 0, the definition every target follows. */
export function roundDiv(n: bigint, d: bigint, mode: Rounding): bigint {
  let q = n / d;
  let r = n % d;
  if (r < 0n) {
    q -= 1n;
    r += d;
  }
  switch (mode) {
    case "floor":
      return q;
    case "ceil":
      return r === 0n ? q : q + 1n;
    case "half_even": {
      const twice = 2n * r;
      if (twice > d || (twice === d && (q & 1n) === 1n)) return q + 1n;
      return q;
    }
    default: {
      const never: never = mode;
      throw new Error(`unknown rounding ${String(never)}`);
    }
  }
}

/** General signed division with rounding; the divisor may be negative but not zero. */
export function roundDivSigned(n: bigint, d: bigint, mode: Rounding): bigint {
  return d < 0n ? roundDiv(-n, -d, mode) : roundDiv(n, d, mode);
}

export function shrI(a: Interval, n: number, mode: Rounding): Interval {
  const d = 1n << BigInt(n);
  return iv(roundDiv(a.lo, d, mode), roundDiv(a.hi, d, mode));
}

export function shlI(a: Interval, n: number): Interval {
  return iv(a.lo << BigInt(n), a.hi << BigInt(n));
}

export function mulShiftI(a: Interval, b: Interval, shift: number, mode: Rounding, same: boolean): Interval {
  return shrI(same ? squareI(a) : mulI(a, b), shift, mode);
}

/** The quotient is monotonic in each argument on a divisor interval that excludes zero: corners suffice. */
export function divI(a: Interval, b: Interval, shift: number): Interval {
  const s = 1n << BigInt(shift);
  const q = [a.lo, a.hi].flatMap((n) => [b.lo, b.hi].map((d) => roundDivSigned(n * s, d, "floor")));
  return iv(min(...q), max(...q));
}

export function modI(a: Interval, b: Interval): Interval {
  if (a.lo >= 0n && a.hi < b.lo) return a;
  return iv(0n, b.hi - 1n);
}

export function minI(a: Interval, b: Interval): Interval {
  return iv(min(a.lo, b.lo), min(a.hi, b.hi));
}

export function maxI(a: Interval, b: Interval): Interval {
  return iv(max(a.lo, b.lo), max(a.hi, b.hi));
}

export function clampI(a: Interval, lo: bigint, hi: bigint): Interval {
  return iv(max(lo, min(a.lo, hi)), min(hi, max(a.hi, lo)));
}

export function formatRaw(v: bigint, frac: number): string {
  if (frac === 0) return v.toString();
  const x = Number(v) / 2 ** frac;
  return Number.isInteger(x) ? x.toString() : x.toPrecision(8).replace(/\.?0+$/, "");
}

export function formatInterval(r: Interval, frac: number): string {
  return `[${formatRaw(r.lo, frac)}, ${formatRaw(r.hi, frac)}]`;
}
