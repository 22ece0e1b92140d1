/**
 * Exact rational arithmetic, and ln/exp/sqrt to within 2^-120, for parameter-only expressions.
 * These run once per parameter load (never per event), but `lockstep test` loads a parameter set per
 * stream: the gcd that keeps every rational in lowest terms has a fast path.
 */

export interface Rational {
  readonly n: bigint;
  readonly d: bigint; // > 0
}

const PREC = 128n;
const ONE = 1n << PREC;

/** gcd(a, b) for a >= 0, b > 0. */
function gcd(a: bigint, b: bigint): bigint {
  // fixed-point values and the results of ln and exp have power-of-two denominators: their gcd is the
  // lowest set bit the two share, two BigInt operations instead of a Euclid loop (most of a parameter load)
  if ((b & (b - 1n)) === 0n) {
    if (a === 0n) return b;
    const low = a & -a;
    return low < b ? low : b;
  }
  while (b !== 0n) {
    if (b < 2n ** 53n && a < 2n ** 53n) return BigInt(gcdNumber(Number(a), Number(b)));
    const r = a % b;
    a = b;
    b = r;
  }
  return a;
}

function gcdNumber(a: number, b: number): number {
  while (b !== 0) {
    const r = a % b;
    a = b;
    b = r;
  }
  return a;
}

export function rat(n: bigint, d: bigint = 1n): Rational {
  if (d === 0n) throw new RangeError("division by zero");
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n < 0n ? -n : n, d);
  return g === 1n ? { n, d } : { n: n / g, d: d / g };
}

/**
 * n/d with d > 0, not reduced unless the denominator has grown past 2^512: for chains of operations whose
 * result is only rounded (a derived parameter's), where lowest terms would cost a gcd per operation.
 * Every function here gives the same value for a reduced and an unreduced argument.
 */
function unreduced(n: bigint, d: bigint): Rational {
  if (d === 0n) throw new RangeError("division by zero");
  if (d < 0n) [n, d] = [-n, -d];
  return d > 2n ** 512n ? rat(n, d) : { n, d };
}

/** The four operations without the reduction to lowest terms (see `unreduced`). */
export const lazy = {
  add: (a: Rational, b: Rational) => unreduced(a.n * b.d + b.n * a.d, a.d * b.d),
  sub: (a: Rational, b: Rational) => unreduced(a.n * b.d - b.n * a.d, a.d * b.d),
  mul: (a: Rational, b: Rational) => unreduced(a.n * b.n, a.d * b.d),
  div: (a: Rational, b: Rational) => unreduced(a.n * b.d, a.d * b.n),
  neg: (a: Rational) => unreduced(-a.n, a.d),
  abs: (a: Rational) => unreduced(a.n < 0n ? -a.n : a.n, a.d),
};

export const add = (a: Rational, b: Rational) => rat(a.n * b.d + b.n * a.d, a.d * b.d);
export const sub = (a: Rational, b: Rational) => rat(a.n * b.d - b.n * a.d, a.d * b.d);
export const mul = (a: Rational, b: Rational) => rat(a.n * b.n, a.d * b.d);
export const div = (a: Rational, b: Rational) => rat(a.n * b.d, a.d * b.n);
export const cmp = (a: Rational, b: Rational) => {
  const x = a.n * b.d - b.n * a.d;
  return x < 0n ? -1 : x > 0n ? 1 : 0;
};

export function floorR(a: Rational): bigint {
  const q = a.n / a.d;
  return a.n < 0n && q * a.d !== a.n ? q - 1n : q;
}

export function ceilR(a: Rational): bigint {
  return -floorR(rat(-a.n, a.d));
}

/** Parses a decimal literal such as "61_837.63" exactly. */
export function parseDecimal(text: string): Rational {
  const clean = text.replace(/_/g, "");
  const [i, f = ""] = clean.split(".");
  return rat(BigInt(i + f), 10n ** BigInt(f.length));
}

const toFixed = (a: Rational) => (a.n * ONE) / a.d;
const fromFixed = (x: bigint) => rat(x, ONE);

/** atanh(z) for 0 <= z < 1/2, z in fixed point. */
function atanhFixed(z: bigint): bigint {
  const z2 = (z * z) >> PREC;
  let term = z;
  let sum = 0n;
  for (let k = 1n; term !== 0n; k += 2n) {
    sum += term / k;
    term = (term * z2) >> PREC;
  }
  return sum;
}

const LN2 = 2n * atanhFixed(ONE / 3n);

export function ln(a: Rational): Rational {
  if (a.n <= 0n) throw new RangeError("ln of a non-positive number");
  let x = toFixed(a);
  let e = 0n;
  while (x >= 2n * ONE) {
    x >>= 1n;
    e += 1n;
  }
  while (x < ONE) {
    x <<= 1n;
    e -= 1n;
  }
  const z = ((x - ONE) * ONE) / (x + ONE);
  return fromFixed(e * LN2 + 2n * atanhFixed(z));
}

export function exp(a: Rational): Rational {
  // below -100 the result is under 2^-144: zero at this precision (and 2^k would not fit memory)
  if (cmp(a, rat(-100n)) < 0) return rat(0n);
  const x = toFixed(a);
  const k = (x + LN2 / 2n) / LN2 - (x < -LN2 / 2n ? 1n : 0n);
  const r = x - k * LN2;
  let term = ONE;
  let sum = 0n;
  for (let i = 1n; term !== 0n; i++) {
    sum += term;
    term = (term * r) / (ONE * i);
  }
  return k >= 0n ? rat(sum << k, ONE) : rat(sum, ONE << -k);
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x && x * x <= n && (x + 1n) * (x + 1n) > n) return x;
    x = y;
  }
}

export function sqrt(a: Rational): Rational {
  if (a.n < 0n) throw new RangeError("sqrt of a negative number");
  return fromFixed(isqrt(toFixed(a) * ONE));
}

export function pow(a: Rational, e: Rational): Rational {
  // whether the exponent is a whole number is read in lowest terms
  const b = rat(e.n, e.d);
  if (b.d === 1n && b.n >= 0n && b.n <= 64n) {
    let r = rat(1n);
    for (let i = 0n; i < b.n; i++) r = mul(r, a);
    return r;
  }
  return exp(mul(b, ln(a)));
}

/** The exact decimal text of a, or undefined when it has none (a denominator with a factor other than 2 and 5). */
export function toDecimalText(a: Rational): string | undefined {
  let d = a.d;
  let digits = 0;
  while (d % 10n === 0n) (d /= 10n), digits++;
  while (d % 2n === 0n || d % 5n === 0n) (d /= d % 2n === 0n ? 2n : 5n), digits++;
  if (d !== 1n) return undefined;
  const scaled = (a.n < 0n ? -a.n : a.n) * 10n ** BigInt(digits) / a.d;
  const text = scaled.toString().padStart(digits + 1, "0");
  const body = digits ? `${text.slice(0, -digits)}.${text.slice(-digits)}` : text;
  return a.n < 0n ? `-${body}` : body;
}

export function toNumber(a: Rational): number {
  return Number(a.n) / Number(a.d);
}
