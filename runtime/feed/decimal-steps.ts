/**
 * Decimal strings (as venues send prices and sizes) to whole steps (ticks, lots) with integer arithmetic
 * on the digits: parsing to a float and dividing by 0.01 would silently round, and every target of the
 * compiler must see exactly the same integers.
 */

/** How a value between two steps is treated: refused, or moved to a neighbouring step. */
export type Snap = "exact" | "down" | "up" | "nearest";

/** A non-negative decimal as an integer mantissa and a count of fractional digits: value = int / 10^scale. */
interface Decimal {
  readonly int: bigint;
  readonly scale: number;
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

function parseDecimal(s: string): Decimal | undefined {
  const m = DECIMAL.exec(s);
  if (m === null) return undefined;
  const frac = m[2] ?? "";
  return { int: BigInt(m[1] + frac), scale: frac.length };
}

/** Whole steps, or why the text is not a whole number of them. */
export type StepConverter = (s: string, snap?: Snap) => number | string;

/**
 * A step size (`what` names it: "tick", "lot") turned into a converter from decimal strings to whole
 * steps; throws a RangeError on a step that is not a positive decimal string.
 */
export function stepConverter(step: string, what: string): StepConverter {
  const d = parseDecimal(step);
  if (d === undefined || d.int === 0n) throw new RangeError(`${what} must be a positive decimal string, got ${JSON.stringify(step)}`);
  const stepUnits = Number(d.int);
  /**
   * The common case in doubles, exactly: a value on the grid with at most 15 significant digits is
   * digits · 10^k units of 10^-scale, all integers below 2^53. Anything else takes the BigInt path.
   */
  const onGrid = (s: string): number | undefined => {
    const m = DECIMAL.exec(s);
    if (m === null) return undefined;
    const frac = (m[2] ?? "").replace(/0+$/, "");
    if (frac.length > d.scale || m[1].length + frac.length > 15) return undefined;
    const units = Number(m[1] + frac) * 10 ** (d.scale - frac.length);
    return Number.isSafeInteger(units) && units % stepUnits === 0 ? units / stepUnits : undefined;
  };
  return (s, snap = "exact") => {
    const fast = onGrid(s);
    if (fast !== undefined) return fast;
    const v = parseDecimal(s);
    if (v === undefined) return `not a decimal: ${JSON.stringify(s)}`;
    // v/step = (v.int * 10^d.scale) / (d.int * 10^v.scale), brought to a common denominator.
    const num = v.int * 10n ** BigInt(d.scale);
    const den = d.int * 10n ** BigInt(v.scale);
    const rest = num % den;
    if (rest !== 0n && snap === "exact") return `${s} is not a whole number of ${what}s (${what} ${step})`;
    const up = rest !== 0n && (snap === "up" || (snap === "nearest" && 2n * rest >= den));
    const n = Number(num / den + (up ? 1n : 0n));
    if (!Number.isSafeInteger(n)) return `${s} is too large in ${what}s`;
    return n;
  };
}
