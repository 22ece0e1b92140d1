import { conditionFlags } from "../../compiler/conditions.js";
import { bitsFor } from "../../compiler/interval.js";
import type { Instr, Rounding } from "../../compiler/ir.js";

const MODE: Record<Rounding, number> = { floor: 0, ceil: 1, half_even: 2 };
const LIMIT_53 = 2n ** 53n;
const INT32 = 2n ** 31n;

/** The name of value `id` in emitted code. */
export const v = (id: number) => `v${id}`;

const pow2 = (n: number) => String(2 ** n);
const fitsInt32 = (ins: Instr) => bitsFor(ins.range) <= 32;
/** Bits of the largest magnitude in the value's range: |x| < 2^bits. */
const magnitudeBits = (ins: Instr) => {
  const { lo, hi } = ins.range;
  return (lo < 0n && -lo > hi ? -lo : hi).toString(2).length;
};

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
        return `s[${ins.slot}]`;
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
        // |dividend| < 2^53 (checked when the IR is built), so the double quotient is within
        // 2^-53 * |q| < 1/|d| of the true one and cannot cross an integer: the floor is exact.
        const n = ins.shift ? `${r(ins.a)} * ${pow2(ins.shift)}` : r(ins.a);
        return `Math.floor(${n} / ${r(ins.b)})`;
      }
      case "mod":
        // a - floor(a / b) * b: exact for |a| < 2^53 (see div), and unlike % it does not call out to fmod
        return `${r(ins.a)} - Math.floor(${r(ins.a)} / ${r(ins.b)}) * ${r(ins.b)}`;
      case "shl":
        return `${r(ins.a)} * ${pow2(ins.n)}`;
      case "shr":
        return this.shr(r(ins.a), ins.n, ins.round, fitsInt32(this.body[ins.a]), ins.id);
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

  private shr(x: string, n: number, round: Rounding, int32: boolean, id: number): string {
    if (n === 0) return x;
    switch (round) {
      case "floor":
        return int32 && n < 32 ? `${x} >> ${n}` : `Math.floor(${x} / ${pow2(n)})`;
      case "ceil":
        return `Math.ceil(${x} / ${pow2(n)})`;
      case "half_even": {
        // inline: a call that is not inlined returns a boxed double, which allocates
        const q = `${v(id)}_q`;
        const r = `${v(id)}_r`;
        this.prelude.push(`const ${q} = Math.floor(${x} / ${pow2(n)});`, `const ${r} = ${x} - ${q} * ${pow2(n)};`);
        // parity without %, which calls out to fmod on doubles
        const odd = int32 ? `(${q} & 1) !== 0` : `Math.floor(${q} * 0.5) * 2 !== ${q}`;
        return `${r} > ${pow2(n - 1)} || (${r} === ${pow2(n - 1)} && ${odd}) ? ${q} + 1 : ${q}`;
      }
      default: {
        const never: never = round;
        throw new Error(`unknown rounding ${String(never)}`);
      }
    }
  }

  private mul(ins: Extract<Instr, { op: "mul" }>): string {
    const a = this.body[ins.a].range;
    const b = this.body[ins.b].range;
    const corners = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi];
    if (!corners.every((c) => c < LIMIT_53 && c > -LIMIT_53)) return this.splitProduct(ins);
    const product = `${this.ref(ins.a)} * ${this.ref(ins.b)}`;
    if (ins.shift === 0) return product;
    const int32 = corners.every((c) => c < INT32 && c >= -INT32);
    return this.shr(`(${product})`, ins.shift, ins.round, int32, ins.id);
  }

  /**
   * A product wider than 53 bits, rounded down (or up) by 2^n: split the wider operand y at bit s into
   * yh * 2^s + yl (0 <= yl < 2^s), so that x * yh and x * yl are both exact; then
   * floor(x*y / 2^n) = floor((x*yh + floor(x*yl / 2^s)) / 2^(n - s)) for s <= n, by nested floor division.
   * Falls back to the limb helper when no split point keeps both partial products within 52 bits.
   */
  private splitProduct(ins: Extract<Instr, { op: "mul" }>): string {
    let [x, y] = [ins.a, ins.b];
    if (magnitudeBits(this.body[x]) > magnitudeBits(this.body[y])) [x, y] = [y, x];
    const A = magnitudeBits(this.body[x]);
    const B = magnitudeBits(this.body[y]);
    const s = Math.max(A + B - 52, 0);
    if (ins.round === "half_even" || s > 52 - A || s > ins.shift) {
      this.helpers.add("mulShr");
      return `mulShr(${this.ref(ins.a)}, ${this.ref(ins.b)}, ${ins.shift}, ${MODE[ins.round]})`;
    }
    const [bh, bl, hi, lo] = ["bh", "bl", "hi", "lo"].map((k) => `${v(ins.id)}_${k}`);
    const S = pow2(s);
    this.prelude.push(
      `const ${bh} = Math.floor(${this.ref(y)} / ${S});`,
      `const ${bl} = ${this.ref(y)} - ${bh} * ${S};`,
      `const ${hi} = ${this.ref(x)} * ${bh};`,
      `const ${lo} = ${this.ref(x)} * ${bl};`,
    );
    const f = ins.round === "floor" ? "Math.floor" : "Math.ceil";
    return `${f}((${hi} + ${f}(${lo} / ${S})) / ${pow2(ins.shift - s)})`;
  }
}
