import { conditionFlags } from "../../compiler/conditions.js";
import type { Instr, Interval, Rounding } from "../../compiler/ir.js";

const MODE: Record<Rounding, number> = { floor: 0, ceil: 1, half_even: 2 };

/** The name of value `id` in emitted code. */
export const v = (id: number) => `v${id}`;

/** 2^n as a literal: exact for every n a program uses (powers of two are doubles down to 2^-1074). */
const pow2 = (n: number) => String(2 ** n);

/** 1.5 * 2^52: added to y with |y| < 2^51, the sum lies in [2^52, 2^53), where doubles are the integers. */
const HALF_EVEN_MAGIC = "6755399441055744";

/** Bits of the largest magnitude in the interval: every value x in it has |x| < 2^bits. */
export function magnitudeBits(r: Interval): number {
  const m = r.lo < 0n && -r.lo > r.hi ? -r.lo : r.hi;
  return m === 0n ? 0 : m.toString(2).length;
}

/** The interval of a * b over two intervals (its extremes are at corners). */
function productRange(a: Interval, b: Interval): Interval {
  const corners = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi];
  return corners.reduce((r, c) => ({ lo: c < r.lo ? c : r.lo, hi: c > r.hi ? c : r.hi }), { lo: corners[0], hi: corners[0] });
}

/**
 * How round(x / 2^n) is lowered, given a bound |x| < 2^bits on the integer x (a double). Each rule is
 * chosen only when the bound discharges its proof obligation:
 *   - `shift`: x >> n, the floor. Obligation: -2^31 <= x < 2^31 (ToInt32 keeps x), n < 32.
 *   - `scale`: Math.floor / Math.ceil of x * 2^-n. Always exact: scaling by a power of two moves the
 *     exponent only (x is an integer, so no subnormal), and the floor of an exact quotient is exact.
 *   - `magic`: x * 2^-n + 1.5*2^52 - 1.5*2^52, the half-even rounding of y = x * 2^-n (exact, as above).
 *     Obligation: |y| < 2^51, i.e. bits <= n + 51. Then the sum lies in [2^52, 2^53), where the doubles are
 *     exactly the integers, so the addition itself rounds y to the nearest integer, ties to even (IEEE's
 *     default; 1.5*2^52 is even, so the sum's parity is round(y)'s), and the subtraction is exact.
 *   - `branchy`: quotient, remainder and a parity test; for half-even when `magic` cannot be proven.
 */
export type ShiftRule = "none" | "shift" | "scale" | "magic" | "branchy";

export function shiftRule(bits: number, int32: boolean, n: number, round: Rounding): ShiftRule {
  if (n === 0) return "none";
  switch (round) {
    case "floor":
      return int32 && n < 32 ? "shift" : "scale";
    case "ceil":
      return "scale";
    case "half_even":
      return bits <= n + 51 ? "magic" : "branchy";
    default: {
      const never: never = round;
      throw new Error(`unknown rounding ${String(never)}`);
    }
  }
}

/**
 * Division by a constant d as a multiplication: floor(n * r) with r = 1/d rounded up to a double.
 * Obligation: 0 <= n < 2^50 and 1 <= d < 2^49. Then n * r = (n/d)(1 + e) with 0 <= e < 2^-52, so the
 * product is at least n/d (and its rounding cannot fall below the integer floor(n/d), a double) and
 * exceeds n/d by less than 1/(4d), while n/d lies at least 1/d below floor(n/d) + 1: with the product's
 * own rounding (at most half an ulp, under 1/(8d) + 2^-53 here) it stays below that next integer.
 */
export function reciprocalExact(lo: bigint, hi: bigint, d: bigint): boolean {
  return lo >= 0n && hi < 2n ** 50n && d >= 1n && d < 2n ** 49n;
}

/** 1/d as the smallest double at or above it, as a literal. */
export function reciprocalUp(d: bigint): string {
  let r = 1 / Number(d);
  const bits = new BigUint64Array(new Float64Array([r]).buffer)[0];
  const mantissa = (bits & ((1n << 52n) - 1n)) | (1n << 52n);
  const exponent = Number((bits >> 52n) & 0x7ffn) - 1075;
  // r = mantissa * 2^exponent (exponent < 0 for d >= 1); below 1/d when mantissa * d < 2^-exponent
  if (mantissa * d < 1n << BigInt(-exponent)) r = new Float64Array(new BigUint64Array([bits + 1n]).buffer)[0];
  return String(r);
}

/**
 * Lowers one handler's IR ops to TypeScript statements over exact integers in doubles. Each case is
 * the lowering of the op's definition in compiler/interpret.ts, chosen by the proven ranges: native
 * arithmetic where it is exact, a longer exact form where it would not be. Conditions are JS booleans.
 */
export class TsOpLowering {
  /** Statements the current op needs before its defining expression (named v<id>_<k>). */
  private prelude: string[] = [];
  /** Which values are conditions, computed once: asking per use would walk select chains again and again. */
  private readonly condition: readonly boolean[];

  constructor(
    private readonly body: readonly Instr[],
    /** Names of exact-number-ops.ts helpers the module must carry. */
    private readonly helpers: Set<string>,
    /** How emitted code reads a state slot (a local of the batch loop). */
    private readonly stateRef: (slot: number) => string,
  ) {
    this.condition = conditionFlags(body);
  }

  /** The statements defining one value. */
  lines(ins: Instr): string[] {
    this.prelude = [];
    const expr = this.expr(ins);
    return [...this.prelude, `const ${v(ins.id)} = ${expr};`];
  }

  /** A value as a number, for arithmetic, stores and outputs: constants inline, conditions as 0/1. */
  ref(id: number): string {
    const ins = this.body[id];
    if (this.condition[id]) return `(${v(id)} ? 1 : 0)`;
    if (ins.op !== "const") return v(id);
    return ins.value < 0n ? `(${ins.value})` : ins.value.toString();
  }

  /** A value as a condition. */
  cond(id: number): string {
    const ins = this.body[id];
    if (this.condition[id]) return v(id);
    if (ins.op === "const") return ins.value !== 0n ? "true" : "false";
    return `${v(id)} !== 0`;
  }

  private expr(ins: Instr): string {
    const r = (id: number) => this.ref(id);
    switch (ins.op) {
      case "const":
        return ins.value.toString();
      case "param":
        return `p[${ins.slot}]`;
      case "state":
        return this.stateRef(ins.slot);
      case "input":
        return ins.field;
      case "add":
        return `${r(ins.a)} + ${r(ins.b)}`;
      case "sub":
        return `${r(ins.a)} - ${r(ins.b)}`;
      case "min":
        return `${r(ins.a)} < ${r(ins.b)} ? ${r(ins.a)} : ${r(ins.b)}`;
      case "max":
        return `${r(ins.a)} > ${r(ins.b)} ? ${r(ins.a)} : ${r(ins.b)}`;
      case "neg":
        return `0 - ${r(ins.a)}`;
      case "abs":
        return `${r(ins.a)} < 0 ? 0 - ${r(ins.a)} : ${r(ins.a)}`;
      case "not":
        return `!(${this.cond(ins.a)})`;
      case "and":
        return `${this.cond(ins.a)} && ${this.cond(ins.b)}`;
      case "or":
        return `${this.cond(ins.a)} || ${this.cond(ins.b)}`;
      case "mul":
        return this.mul(ins);
      case "div": {
        const n = ins.shift ? `${r(ins.a)} * ${pow2(ins.shift)}` : r(ins.a);
        const divisor = this.body[ins.b];
        const dividend = this.body[ins.a].range;
        if (divisor.op === "const" && reciprocalExact(dividend.lo * 2n ** BigInt(ins.shift), dividend.hi * 2n ** BigInt(ins.shift), divisor.value))
          return `Math.floor(${n} * ${reciprocalUp(divisor.value)})`;
        // |dividend| < 2^53 (checked when the IR is built), so the double quotient is within
        // 2^-53 * |q| < 1/|d| of the true one and cannot cross an integer: the floor is exact.
        return `Math.floor(${n} / ${r(ins.b)})`;
      }
      case "mod":
        // a - floor(a / b) * b: exact for |a| < 2^53 (see div), and unlike % it does not call out to fmod
        return `${r(ins.a)} - Math.floor(${r(ins.a)} / ${r(ins.b)}) * ${r(ins.b)}`;
      case "shl":
        return `${r(ins.a)} * ${pow2(ins.n)}`;
      case "shr":
        return this.shr(r(ins.a), this.body[ins.a].range, ins.n, ins.round, ins.id);
      case "cmp": {
        const op = { lt: "<", le: "<=", eq: "===", ne: "!==" }[ins.pred];
        return `${r(ins.a)} ${op} ${r(ins.b)}`;
      }
      case "select":
        return this.condition[ins.id]
          ? `${this.cond(ins.cond)} ? ${v(ins.a)} : ${v(ins.b)}`
          : `${this.cond(ins.cond)} ? ${r(ins.a)} : ${r(ins.b)}`;
      case "clamp":
        return `${r(ins.a)} < ${ins.lo} ? ${ins.lo} : ${r(ins.a)} > ${ins.hi} ? ${ins.hi} : ${r(ins.a)}`;
      case "lut":
        return `LUT_${ins.table}[${r(ins.index)}]`;
      default: {
        const never: never = ins;
        throw new Error(`unknown op ${JSON.stringify(never)}`);
      }
    }
  }

  /** round(x / 2^n) for an integer x (a double) in `range`, by the cheapest rule of shiftRule its range proves. */
  private shr(x: string, range: Interval, n: number, round: Rounding, id: number): string {
    const int32 = range.lo >= -(2n ** 31n) && range.hi < 2n ** 31n;
    const rule = shiftRule(magnitudeBits(range), int32, n, round);
    switch (rule) {
      case "none":
        return x;
      case "shift":
        return `${x} >> ${n}`;
      case "scale":
        return `Math.${round === "ceil" ? "ceil" : "floor"}(${x} * ${pow2(-n)})`;
      case "magic":
        return `${x} * ${pow2(-n)} + ${HALF_EVEN_MAGIC} - ${HALF_EVEN_MAGIC}`;
      case "branchy": {
        // inline: a call that is not inlined returns a boxed double, which allocates
        const q = `${v(id)}_q`;
        const r = `${v(id)}_r`;
        this.prelude.push(`const ${q} = Math.floor(${x} * ${pow2(-n)});`, `const ${r} = ${x} - ${q} * ${pow2(n)};`);
        // parity without %, which calls out to fmod on doubles
        const odd = int32 ? `(${q} & 1) !== 0` : `Math.floor(${q} * 0.5) * 2 !== ${q}`;
        return `${r} > ${pow2(n - 1)} || (${r} === ${pow2(n - 1)} && ${odd}) ? ${q} + 1 : ${q}`;
      }
      default: {
        const never: never = rule;
        throw new Error(`unknown rule ${String(never)}`);
      }
    }
  }

  /**
   * round(a * b / 2^shift). Proven |a * b| < 2^53: one double product, exact, then the shift's rule.
   * Otherwise a guarded fast path: the double product p is exact exactly when |p| < 2^53 (rounding is
   * monotonic and 2^53 is a double, so a true product at or beyond 2^53 rounds to a p at or beyond it),
   * so `|p| < bound` with bound <= 2^53 proves both exactness and, for the bound the rounding rule needs
   * (2^(shift+51) for the magic constant), that rule's obligation; beyond it, mulShr's 24-bit limbs.
   */
  private mul(ins: Extract<Instr, { op: "mul" }>): string {
    const range = productRange(this.body[ins.a].range, this.body[ins.b].range);
    const product = `${this.ref(ins.a)} * ${this.ref(ins.b)}`;
    if (magnitudeBits(range) <= 53) return this.shr(`(${product})`, range, ins.shift, ins.round, ins.id);
    const guardBits = ins.round === "half_even" ? Math.min(53, ins.shift + 51) : 53;
    const p = `${v(ins.id)}_p`;
    this.prelude.push(`const ${p} = ${product};`);
    const fast = this.shr(p, { lo: -(2n ** BigInt(guardBits)) + 1n, hi: 2n ** BigInt(guardBits) - 1n }, ins.shift, ins.round, ins.id);
    this.helpers.add("mulShr");
    const slow = `mulShr(${this.ref(ins.a)}, ${this.ref(ins.b)}, ${ins.shift}, ${MODE[ins.round]})`;
    return `${p} < ${pow2(guardBits)} && ${p} > -${pow2(guardBits)} ? ${fast} : ${slow}`;
  }
}
