import { bitsFor } from "../../compiler/interval.js";
import type { Instr, Rounding } from "../../compiler/ir.js";

const MODE: Record<Rounding, number> = { floor: 0, ceil: 1, half_even: 2 };
const LIMIT_53 = 2n ** 53n;

/** The name of value `id` in emitted code. */
export const v = (id: number) => `v${id}`;

/** An operand: constants are written inline, everything else by name. */
let currentBody: readonly Instr[] = [];
/** Statements an op needs before its defining expression (named v<id>_<k>). */
let prelude: string[] = [];
const ref = (id: number) => {
  const ins = currentBody[id];
  if (isBoolean(ins, currentBody)) return `(${v(id)} ? 1 : 0)`;
  if (ins.op !== "const") return v(id);
  return ins.value < 0n ? `(${ins.value})` : ins.value.toString();
};

/** An operand used as a condition. */
const cond = (id: number) => {
  const ins = currentBody[id];
  if (isBoolean(ins, currentBody)) return v(id);
  if (ins.op === "const") return ins.value !== 0n ? "true" : "false";
  return `${v(id)} !== 0`;
};

/**
 * Conditions are JavaScript booleans in emitted code (the IR's 0/1 values): cheaper than numbers that
 * are tested again. They become 0/1 where a number is needed (outputs, state, arithmetic).
 */
export function isBoolean(ins: Instr, body: readonly Instr[]): boolean {
  switch (ins.op) {
    case "cmp":
    case "and":
    case "or":
    case "not":
      return true;
    case "select":
      return isBoolean(body[ins.a], body) && isBoolean(body[ins.b], body);
    default:
      return false;
  }
}

/** A value as a number, for stores and outputs. */
export function numeric(id: number, body: readonly Instr[]): string {
  currentBody = body;
  return ref(id);
}

/** A value as a condition, for the guard. */
export function condition(id: number, body: readonly Instr[]): string {
  currentBody = body;
  return cond(id);
}

const magnitudeBits = (ins: Instr) => {
  const m = ins.range.lo < 0n ? (-ins.range.lo > ins.range.hi ? -ins.range.lo : ins.range.hi) : ins.range.hi;
  return m.toString(2).length;
};

/**
 * A product wider than 53 bits, rounded down (or up) by 2^n: split the wider operand b at bit s into
 * bh * 2^s + bl (0 <= bl < 2^s), so that a * bh and a * bl are both exact; then
 * floor(a*b / 2^n) = floor((a*bh + floor(a*bl / 2^s)) / 2^(n - s)) for s <= n, by nested floor division.
 * Falls back to the limb helper when no split point keeps both partial products within 52 bits.
 */
function splitProduct(ins: Extract<Instr, { op: "mul" }>, body: readonly Instr[], helpers: Set<string>): string {
  let [x, y] = [ins.a, ins.b];
  if (magnitudeBits(body[x]) > magnitudeBits(body[y])) [x, y] = [y, x];
  const A = magnitudeBits(body[x]);
  const B = magnitudeBits(body[y]);
  const s = Math.max(A + B - 52, 0);
  if (ins.round === "half_even" || s > 52 - A || s > ins.shift) {
    helpers.add("mulShr");
    return `mulShr(${ref(ins.a)}, ${ref(ins.b)}, ${ins.shift}, ${MODE[ins.round]})`;
  }
  const [bh, bl, hi, lo] = ["bh", "bl", "hi", "lo"].map((k) => `${v(ins.id)}_${k}`);
  const S = pow2(s);
  prelude.push(
    `const ${bh} = Math.floor(${ref(y)} / ${S});`,
    `const ${bl} = ${ref(y)} - ${bh} * ${S};`,
    `const ${hi} = ${ref(x)} * ${bh};`,
    `const ${lo} = ${ref(x)} * ${bl};`,
  );
  const f = ins.round === "floor" ? "Math.floor" : "Math.ceil";
  return `${f}((${hi} + ${f}(${lo} / ${S})) / ${pow2(ins.shift - s)})`;
}

const fitsInt32 = (ins: Instr) => bitsFor(ins.range) <= 32;
const pow2 = (n: number) => String(2 ** n);

/**
 * One IR op as one TypeScript expression over exact integers in doubles. Each case is the lowering of
 * the op's definition in compiler/interpret.ts, chosen by the proven ranges: native arithmetic where it
 * is exact, the helpers of exact-number-ops.ts where it would not be.
 */
export function lowerOpLines(ins: Instr, body: readonly Instr[], helpers: Set<string>): string[] {
  prelude = [];
  const expr = lowerOp(ins, body, helpers);
  return [...prelude, `const ${v(ins.id)} = ${expr};`];
}

export function lowerOp(ins: Instr, body: readonly Instr[], helpers: Set<string>): string {
  currentBody = body;
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
      return `${ref(ins.a)} + ${ref(ins.b)}`;
    case "sub":
      return `${ref(ins.a)} - ${ref(ins.b)}`;
    case "min":
      return `${ref(ins.a)} < ${ref(ins.b)} ? ${ref(ins.a)} : ${ref(ins.b)}`;
    case "max":
      return `${ref(ins.a)} > ${ref(ins.b)} ? ${ref(ins.a)} : ${ref(ins.b)}`;
    case "neg":
      return `0 - ${ref(ins.a)}`;
    case "abs":
      return `${ref(ins.a)} < 0 ? 0 - ${ref(ins.a)} : ${ref(ins.a)}`;
    case "not":
      return `!(${cond(ins.a)})`;
    case "and":
      return `${cond(ins.a)} && ${cond(ins.b)}`;
    case "or":
      return `${cond(ins.a)} || ${cond(ins.b)}`;
    case "mul":
      return lowerMul(ins, body, helpers);
    case "div": {
      // |dividend| < 2^53 (checked when the IR is built), so the double quotient is within
      // 2^-53 * |q| < 1/|d| of the true one and cannot cross an integer: floor and ceil are exact.
      const n = ins.shift ? `${ref(ins.a)} * ${pow2(ins.shift)}` : ref(ins.a);
      return `Math.floor(${n} / ${ref(ins.b)})`;
    }
    case "mod":
      // a - floor(a / b) * b: exact for |a| < 2^53 (see div), and unlike % it does not call out to fmod
      return `${ref(ins.a)} - Math.floor(${ref(ins.a)} / ${ref(ins.b)}) * ${ref(ins.b)}`;
    case "shl":
      return `${ref(ins.a)} * ${pow2(ins.n)}`;
    case "shr":
      return lowerShr(ref(ins.a), ins.n, ins.round, fitsInt32(body[ins.a]), helpers, ins.id);
    case "cmp": {
      const op = { lt: "<", le: "<=", eq: "===", ne: "!==" }[ins.pred];
      return `${ref(ins.a)} ${op} ${ref(ins.b)}`;
    }
    case "select":
      return isBoolean(ins, body)
        ? `${cond(ins.cond)} ? ${v(ins.a)} : ${v(ins.b)}`
        : `${cond(ins.cond)} ? ${ref(ins.a)} : ${ref(ins.b)}`;
    case "clamp":
      return `${ref(ins.a)} < ${ins.lo} ? ${ins.lo} : ${ref(ins.a)} > ${ins.hi} ? ${ins.hi} : ${ref(ins.a)}`;
    case "lut":
      return `LUT_${ins.table}[${ref(ins.index)}]`;
    default: {
      const never: never = ins;
      throw new Error(`unknown op ${JSON.stringify(never)}`);
    }
  }
}

function lowerShr(x: string, n: number, round: Rounding, int32: boolean, helpers: Set<string>, id: number): string {
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
      prelude.push(`const ${q} = Math.floor(${x} / ${pow2(n)});`, `const ${r} = ${x} - ${q} * ${pow2(n)};`);
      void helpers;
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

function lowerMul(ins: Extract<Instr, { op: "mul" }>, body: readonly Instr[], helpers: Set<string>): string {
  const a = body[ins.a].range;
  const b = body[ins.b].range;
  const corners = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi];
  const exact = corners.every((c) => c < LIMIT_53 && c > -LIMIT_53);
  if (!exact) return splitProduct(ins, body, helpers);
  const product = `${ref(ins.a)} * ${ref(ins.b)}`;
  if (ins.shift === 0) return product;
  const productFitsInt32 = corners.every((c) => c < 2n ** 31n && c >= -(2n ** 31n));
  return lowerShr(`(${product})`, ins.shift, ins.round, productFitsInt32, helpers, ins.id);
}
