import { bitsFor, mulI, shlI } from "../../compiler/interval.js";
import type { Instr, Interval, Rounding } from "../../compiler/ir.js";
import { bitsOf, type CellBuilder, type Val } from "./cell-builder.js";
import { BIT, signedOf, widthOf, type Ref } from "./netlist.js";

/** What an op reads besides earlier values: registers, ports and ROMs, by IR slot. */
export interface OpContext {
  readonly value: (id: number) => Val;
  readonly range: (id: number) => Interval;
  readonly param: (slot: number) => Val;
  readonly state: (slot: number) => Val;
  readonly input: (field: "t" | "a" | "b" | "c" | "d") => Val;
  readonly rom: (table: number) => { readonly ref: Ref; readonly length: number; readonly width: number };
}

const max = (...xs: number[]) => Math.max(...xs);

/**
 * Lowers one IR instruction to cells, bit for bit as compiler/interpret.ts defines it. The result has
 * the width of the instruction's proven interval (or is a bit, for comparisons and logic). Ring
 * operations run at a width where the true result fits, so arithmetic modulo 2^width is exact.
 */
export function lowerOp(ins: Instr, x: OpContext, b: CellBuilder, name: string): Val {
  const w = ins.op === "cmp" || ins.op === "and" || ins.op === "or" || ins.op === "not" ? 1 : bitsFor(ins.range);
  const width = (v: Val) => (v.type.kind === "bit" ? 2 : widthOf(v.type));
  const fit = (v: Val) => b.signed(name, v, w);
  const at = (v: Val, W: number, tag: string) => b.signed(`${name}_${tag}`, v, W);
  switch (ins.op) {
    case "const":
      return b.konst(name, ins.value, w);
    case "param":
      return fit(x.param(ins.slot));
    case "state":
      return fit(x.state(ins.slot));
    case "input":
      return fit(x.input(ins.field));
    case "add":
    case "sub": {
      const [p, q] = [x.value(ins.a), x.value(ins.b)];
      const W = max(width(p), width(q), w);
      return fit(b.wire(`${name}_${ins.op}`, signedOf(W), { cell: ins.op, a: at(p, W, "a").ref, b: at(q, W, "b").ref }));
    }
    case "min":
    case "max": {
      const [p, q] = [x.value(ins.a), x.value(ins.b)];
      const W = max(width(p), width(q));
      const [pa, qb] = [at(p, W, "a"), at(q, W, "b")];
      // min: a < b ? a : b; max: b < a ? a : b (on a tie both pick b, the same value)
      const sel = ins.op === "min" ? { a: pa, b: qb } : { a: qb, b: pa };
      const lt = b.wire(`${name}_lt`, BIT, { cell: "cmp", pred: "lt", a: sel.a.ref, b: sel.b.ref });
      const pick = { cell: "mux" as const, sel: lt.ref, a: pa.ref, b: qb.ref };
      return fit(b.wire(`${name}_${ins.op}`, signedOf(W), pick));
    }
    case "neg": {
      const p = x.value(ins.a);
      const W = max(width(p), w);
      return fit(b.wire(`${name}_neg`, signedOf(W), { cell: "neg", a: at(p, W, "a").ref }));
    }
    case "abs": {
      const p = x.value(ins.a);
      const W = max(width(p), w);
      const pa = at(p, W, "a");
      const zero = b.konst(`${name}_zero`, 0n, W);
      const negative = b.wire(`${name}_lt0`, BIT, { cell: "cmp", pred: "lt", a: pa.ref, b: zero.ref });
      const minus = b.wire(`${name}_neg`, signedOf(W), { cell: "neg", a: pa.ref });
      return fit(b.wire(`${name}_abs`, signedOf(W), { cell: "mux", sel: negative.ref, a: minus.ref, b: pa.ref }));
    }
    case "not":
      return b.wire(name, BIT, { cell: "not", a: b.bit(`${name}_a`, x.value(ins.a)).ref });
    case "and":
    case "or":
      return b.wire(name, BIT, { cell: ins.op, a: b.bit(`${name}_a`, x.value(ins.a)).ref, b: b.bit(`${name}_b`, x.value(ins.b)).ref });
    case "mul": {
      const [p, q] = [x.value(ins.a), x.value(ins.b)];
      const W = max(bitsFor(mulI(x.range(ins.a), x.range(ins.b))), width(p), width(q));
      // a sign (a side, in [-1, 1]) times a value: a negation and a choice, not a multiplier
      const sign = isSign(x.range(ins.a)) ? ([p, q] as const) : isSign(x.range(ins.b)) ? ([q, p] as const) : undefined;
      if (sign) return fit(shiftRound(signTimes(sign[0], sign[1], W, b, name), ins.shift, ins.round, b, name));
      const product = b.wire(`${name}_prod`, signedOf(W), { cell: "mul", a: at(p, W, "a").ref, b: at(q, W, "b").ref });
      return fit(shiftRound(product, ins.shift, ins.round, b, name));
    }
    case "shr":
      return fit(shiftRound(x.value(ins.a), ins.n, ins.round, b, name));
    case "shl": {
      const p = x.value(ins.a);
      const W = max(width(p), w);
      return fit(b.wire(`${name}_shl`, signedOf(W), { cell: "shl", a: at(p, W, "a").ref, n: ins.n }));
    }
    case "div":
      return fit(floorDiv(ins.a, ins.b, ins.shift, x, b, name));
    case "mod": {
      // a - b * floor(a / b) with b > 0: the truncated remainder, plus b when it is negative
      const [p, q] = [x.value(ins.a), x.value(ins.b)];
      const W = max(width(p), width(q)) + 1;
      const [pa, qb] = [at(p, W, "a"), at(q, W, "b")];
      const r = b.wire(`${name}_rem`, signedOf(W), { cell: "rem", a: pa.ref, b: qb.ref });
      const zero = b.konst(`${name}_zero`, 0n, W);
      const negative = b.wire(`${name}_lt0`, BIT, { cell: "cmp", pred: "lt", a: r.ref, b: zero.ref });
      const up = b.wire(`${name}_wrap`, signedOf(W), { cell: "add", a: r.ref, b: qb.ref });
      return fit(b.wire(`${name}_mod`, signedOf(W), { cell: "mux", sel: negative.ref, a: up.ref, b: r.ref }));
    }
    case "cmp": {
      const [p, q] = [x.value(ins.a), x.value(ins.b)];
      const W = max(width(p), width(q));
      return b.wire(name, BIT, { cell: "cmp", pred: ins.pred, a: at(p, W, "a").ref, b: at(q, W, "b").ref });
    }
    case "select": {
      const [p, q] = [x.value(ins.a), x.value(ins.b)];
      const W = max(width(p), width(q));
      const sel = b.bit(`${name}_c`, x.value(ins.cond));
      return fit(b.wire(`${name}_sel`, signedOf(W), { cell: "mux", sel: sel.ref, a: at(p, W, "a").ref, b: at(q, W, "b").ref }));
    }
    case "clamp": {
      const p = x.value(ins.a);
      const W = max(width(p), bitsOf(ins.lo), bitsOf(ins.hi));
      const pa = at(p, W, "a");
      const lo = b.konst(`${name}_lo`, ins.lo, W);
      const hi = b.konst(`${name}_hi`, ins.hi, W);
      const below = b.wire(`${name}_below`, BIT, { cell: "cmp", pred: "lt", a: pa.ref, b: lo.ref });
      const above = b.wire(`${name}_above`, BIT, { cell: "cmp", pred: "lt", a: hi.ref, b: pa.ref });
      const upper = b.wire(`${name}_upper`, signedOf(W), { cell: "mux", sel: above.ref, a: hi.ref, b: pa.ref });
      return fit(b.wire(`${name}_clamp`, signedOf(W), { cell: "mux", sel: below.ref, a: lo.ref, b: upper.ref }));
    }
    case "lut": {
      const rom = x.rom(ins.table);
      const index = x.value(ins.index);
      return fit(b.wire(`${name}_rom`, signedOf(rom.width), { cell: "rom", rom: rom.ref, index: index.ref, indexWidth: width(index) }));
    }
    default: {
      const never: never = ins;
      throw new Error(`unknown op ${JSON.stringify(never)}`);
    }
  }
}

const isSign = (r: Interval) => r.lo >= -1n && r.hi <= 1n;

/** s * v for s in [-1, 1], at width W (where the product fits): s < 0 ? -v : s = 0 ? 0 : v. */
function signTimes(s: Val, v: Val, W: number, b: CellBuilder, name: string): Val {
  const sw = s.type.kind === "bit" ? 2 : widthOf(s.type);
  const ss = b.signed(`${name}_s`, s, sw);
  const zero = b.konst(`${name}_szero`, 0n, sw);
  const negative = b.wire(`${name}_sneg`, BIT, { cell: "cmp", pred: "lt", a: ss.ref, b: zero.ref });
  const nonzero = b.wire(`${name}_snz`, BIT, { cell: "cmp", pred: "ne", a: ss.ref, b: zero.ref });
  const vw = b.signed(`${name}_v`, v, W);
  const minus = b.wire(`${name}_vneg`, signedOf(W), { cell: "neg", a: vw.ref });
  const none = b.konst(`${name}_vzero`, 0n, W);
  const magnitude = b.wire(`${name}_mag`, signedOf(W), { cell: "mux", sel: nonzero.ref, a: vw.ref, b: none.ref });
  return b.wire(`${name}_prod`, signedOf(W), { cell: "mux", sel: negative.ref, a: minus.ref, b: magnitude.ref });
}

/**
 * round(v / 2^n): floor is the arithmetic shift; ceil adds 1 when any dropped bit is set; half-even adds
 * 1 when the dropped bits exceed one half, or equal it and the floor is odd.
 */
function shiftRound(v: Val, n: number, mode: Rounding, b: CellBuilder, name: string): Val {
  if (n === 0) return v;
  // at least n + 1 bits, so every dropped bit exists
  const W = Math.max(v.type.kind === "bit" ? 2 : widthOf(v.type), n + 1);
  const x = b.signed(`${name}_x`, v, W);
  const q = b.wire(`${name}_floor`, signedOf(W), { cell: "sra", a: x.ref, n });
  if (mode === "floor") return q;
  let up: Val;
  if (mode === "ceil") up = b.wire(`${name}_frac`, BIT, { cell: "anyBits", a: x.ref, hi: n - 1, lo: 0 });
  else {
    const half = b.wire(`${name}_half`, BIT, { cell: "bit", a: x.ref, index: n - 1 });
    const odd = b.wire(`${name}_odd`, BIT, { cell: "bit", a: q.ref, index: 0 });
    const tie = n >= 2 ? b.wire(`${name}_above`, BIT, { cell: "anyBits", a: x.ref, hi: n - 2, lo: 0 }) : undefined;
    const either = tie ? b.wire(`${name}_tiebreak`, BIT, { cell: "or", a: tie.ref, b: odd.ref }) : odd;
    up = b.wire(`${name}_up`, BIT, { cell: "and", a: half.ref, b: either.ref });
  }
  // |floor| <= 2^(W-1-n), so floor + 1 still fits W bits
  const one = b.signed(`${name}_inc`, up, W);
  return b.wire(`${name}_${mode === "ceil" ? "ceil" : "round"}`, signedOf(W), { cell: "add", a: q.ref, b: one.ref });
}

/** floor(a * 2^shift / b): the truncated quotient, less 1 when the remainder is not 0 and its sign differs from b's. */
function floorDiv(ia: number, ib: number, shift: number, x: OpContext, b: CellBuilder, name: string): Val {
  const [p, q] = [x.value(ia), x.value(ib)];
  const wq = q.type.kind === "bit" ? 2 : widthOf(q.type);
  // one bit more than the dividend and divisor need: the quotient of the most negative value by -1 fits
  const W = Math.max(bitsFor(shlI(x.range(ia), shift)), wq, p.type.kind === "bit" ? 2 : widthOf(p.type)) + 1;
  const pa = b.signed(`${name}_a`, p, W);
  const n = shift ? b.wire(`${name}_num`, signedOf(W), { cell: "shl", a: pa.ref, n: shift }) : pa;
  const d = b.signed(`${name}_b`, q, W);
  const q0 = b.wire(`${name}_quot`, signedOf(W), { cell: "quot", a: n.ref, b: d.ref });
  const r0 = b.wire(`${name}_rem`, signedOf(W), { cell: "rem", a: n.ref, b: d.ref });
  const zero = b.konst(`${name}_zero`, 0n, W);
  const inexact = b.wire(`${name}_inexact`, BIT, { cell: "cmp", pred: "ne", a: r0.ref, b: zero.ref });
  const rNeg = b.wire(`${name}_rem_neg`, BIT, { cell: "cmp", pred: "lt", a: r0.ref, b: zero.ref });
  const dNeg = b.wire(`${name}_div_neg`, BIT, { cell: "cmp", pred: "lt", a: d.ref, b: zero.ref });
  const differ = b.wire(`${name}_signs`, BIT, { cell: "xor", a: rNeg.ref, b: dNeg.ref });
  const down = b.wire(`${name}_down`, BIT, { cell: "and", a: inexact.ref, b: differ.ref });
  return b.wire(`${name}_div`, signedOf(W), { cell: "sub", a: q0.ref, b: b.signed(`${name}_dec`, down, W).ref });
}

