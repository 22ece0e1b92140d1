/**
 * Helpers copied by name into emitted TypeScript modules (the emitter copies their source, so a compiled
 * strategy has no runtime dependency). Every value is an integer with |x| < 2^53, so + - * (when the
 * product is < 2^53) and division by powers of two are exact on doubles. The one place that needs more
 * is a product of up to 64 bits whose double is at or beyond 2^53 (the slow side of lower-op.ts's guard):
 * mulShr splits both operands into 24-bit limbs, whose partial products are exact.
 */

/**
 * The engine contract: an event's kind and five fields are safe integers. Anything else (NaN, a
 * fraction, a value beyond 2^53) makes the event invalid on every target.
 */
export function wellFormed(events: Float64Array, at: number): boolean {
  for (let i = 0; i < 6; i++) if (!Number.isSafeInteger(events[at + i])) return false;
  return true;
}

const L = 16777216; // 2^24

/**
 * round(a * b / 2^n) where |a|, |b| < 2^53, |a * b| < 2^64 and the result is below 2^53;
 * mode 0 floor, 1 ceil, 2 half-even. Allocation-free: limbs live in locals.
 */
export function mulShr(a: number, b: number, n: number, mode: number): number {
  const negative = a < 0 !== b < 0;
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  const a0 = a % L;
  const a1 = ((a - a0) / L) % L;
  const a2 = Math.floor(a / (L * L));
  const b0 = b % L;
  const b1 = ((b - b0) / L) % L;
  const b2 = Math.floor(b / (L * L));
  let c0 = a0 * b0;
  let c1 = a0 * b1 + a1 * b0;
  let c2 = a0 * b2 + a1 * b1 + a2 * b0;
  let c3 = a1 * b2 + a2 * b1;
  const c4 = a2 * b2;
  let carry = Math.floor(c0 / L);
  c0 -= carry * L;
  c1 += carry;
  carry = Math.floor(c1 / L);
  c1 -= carry * L;
  c2 += carry;
  carry = Math.floor(c2 / L);
  c2 -= carry * L;
  c3 += carry + c4 * L;
  // |a*b| = hi * 2^48 + lo with lo < 2^48, hi < 2^16 * 2^24
  const lo = c0 + c1 * L;
  const hi = c2 + c3 * L;
  // the magnitude's quotient q and whether the remainder is zero, below, at or above half
  let q: number;
  let rem: number; // -1 zero, 0 below half, 1 exactly half, 2 above half
  if (n <= 48) {
    const p = 2 ** n;
    const loQ = Math.floor(lo / p);
    const r = lo - loQ * p;
    q = hi * 2 ** (48 - n) + loQ;
    rem = r === 0 ? -1 : r < p / 2 ? 0 : r === p / 2 ? 1 : 2;
  } else {
    // the remainder is rh * 2^48 + lo; half of 2^n is half * 2^48
    const p = 2 ** (n - 48);
    q = Math.floor(hi / p);
    const rh = hi - q * p;
    const half = p / 2;
    if (rh === 0 && lo === 0) rem = -1;
    else if (rh > half || (rh === half && lo > 0)) rem = 2;
    else if (rh === half) rem = 1;
    else rem = 0;
  }
  // round the magnitude, mirroring floor and ceil for a negative product
  const up = rem === -1 ? false : mode === 2 ? rem === 2 || (rem === 1 && q % 2 !== 0) : (mode === 1) !== negative;
  const m = up ? q + 1 : q;
  return negative ? 0 - m + 0 : m;
}
