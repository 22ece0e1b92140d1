import { bitsFor } from "../../compiler/interval.js";
import type { Instr, Rounding } from "../../compiler/ir.js";

const MODE: Record<Rounding, number> = { floor: 0, ceil: 1, half_even: 2 };
const LIMIT_53 = 2n ** 53n;

/** The name of value `id` in emitted code. */
export const v = (id: number) => `v${id}`;

/** An operand: constants are written inline, everything else by name. */
let currentBody: readonly Instr[] = [];
const ref = (id: number) => {
  const ins = currentBody[id];
  if (ins.op !== "const") return v(id);
  return ins.value < 0n ? `(${ins.value})` : ins.value.toString();
};

const fitsInt32 = (ins: Instr) => bitsFor(ins.range) <= 32;
const pow2 = (n: number) => String(2 ** n);

/**
 * One IR op as one TypeScript expression over exact integers in doubles. Each case is the lowering of
 * the op's definition in compiler/interpret.ts, chosen by the proven ranges: native arithmetic where it
 * is exact, the helpers of exact-number-ops.ts where it would not be.
 */
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
      return `${ref(ins.a)} === 0 ? 1 : 0`;
    case "and":
      return `${ref(ins.a)} !== 0 && ${ref(ins.b)} !== 0 ? 1 : 0`;
    case "or":
      return `${ref(ins.a)} !== 0 || ${ref(ins.b)} !== 0 ? 1 : 0`;
    case "mul":
      return lowerMul(ins, body, helpers);
    case "div":
      helpers.add("divRound");
      return `divRound(${ins.shift ? `${ref(ins.a)} * ${pow2(ins.shift)}` : ref(ins.a)}, ${ref(ins.b)}, ${MODE[ins.round]})`;
    case "mod":
      return `((${ref(ins.a)} % ${ref(ins.b)}) + ${ref(ins.b)}) % ${ref(ins.b)}`;
    case "shl":
      return `${ref(ins.a)} * ${pow2(ins.n)}`;
    case "shr":
      return lowerShr(ref(ins.a), ins.n, ins.round, fitsInt32(body[ins.a]), helpers);
    case "cmp": {
      const op = { lt: "<", le: "<=", eq: "===", ne: "!==" }[ins.pred];
      return `${ref(ins.a)} ${op} ${ref(ins.b)} ? 1 : 0`;
    }
    case "select":
      return `${ref(ins.cond)} !== 0 ? ${ref(ins.a)} : ${ref(ins.b)}`;
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

function lowerShr(x: string, n: number, round: Rounding, int32: boolean, helpers: Set<string>): string {
  if (n === 0) return x;
  switch (round) {
    case "floor":
      return int32 && n < 32 ? `${x} >> ${n}` : `Math.floor(${x} / ${pow2(n)})`;
    case "ceil":
      return `Math.ceil(${x} / ${pow2(n)})`;
    case "half_even":
      helpers.add("shrHalfEven");
      return `shrHalfEven(${x}, ${n})`;
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
  if (!exact) {
    helpers.add("mulShr");
    return `mulShr(${ref(ins.a)}, ${ref(ins.b)}, ${ins.shift}, ${MODE[ins.round]})`;
  }
  const product = `${ref(ins.a)} * ${ref(ins.b)}`;
  if (ins.shift === 0) return product;
  return lowerShr(`(${product})`, ins.shift, ins.round, false, helpers);
}
