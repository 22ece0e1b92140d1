import { mapOperands, operands } from "../../compiler/dead-code.js";
import { addI, BOOL, iv, negI, subI } from "../../compiler/interval.js";
import type { CmpPred, Handler, Instr, Interval, Op, ValueId } from "../../compiler/ir.js";

/**
 * Rewrites a handler so that what depends on state (the last pipeline stage, stages.ts) has fewer carry
 * chains in series, moving arithmetic onto values that depend only on the event and the parameters
 * (which earlier stages compute). Every rewrite is an identity on integers, so the handler computes the
 * same values: checked by the gateway's agreement test against the reference.
 *   cmp(z, l + e)          ->  cmp(z - e, l)           (and the other forms of + and -, either side)
 *   z < |x|                ->  z < x  or  x < -z       (|x| < z  ->  x < z  and  -z < x; le alike)
 *   cmp(z, select(k,x,y))  ->  select(k, cmp(z,x), cmp(z,y))
 *   select(k,x,y) + e      ->  select(k, x + e, y + e)
 *   min, max, clamp        ->  cmp and select (a clamp side the operand's range excludes is dropped)
 * applied only where a value depends on state; the rest of the handler is left as it is.
 */
export function shortenLate(h: Handler): Handler {
  return new Rewriter(h).run();
}

/** Rewrites nest at most this deep. */
const MAX_DEPTH = 16;

class Rewriter {
  private readonly body: Instr[] = [];
  private readonly late: boolean[] = [];
  private loc = "";
  private frac = 0;

  constructor(private readonly h: Handler) {}

  run(): Handler {
    const map: ValueId[] = [];
    for (const ins of this.h.body) {
      this.loc = ins.loc;
      this.frac = ins.frac;
      const { id: _id, range: _range, frac: _frac, loc: _loc, ...op } = mapOperands(ins, (x) => map[x]);
      map[ins.id] = this.isLateOp(op) ? this.rewrite(op, ins.range, 0) : this.emit(op, ins.range, ins.frac);
    }
    return {
      ...this.h,
      body: this.body,
      guard: map[this.h.guard],
      writes: this.h.writes.map((w) => ({ slot: w.slot, value: map[w.value] })),
      outputs: this.h.outputs.map((o) => ({ slot: o.slot, value: map[o.value] })),
    };
  }

  private isLateOp(op: Op): boolean {
    return op.op === "state" || operands(op).some((x) => this.late[x]);
  }

  private emit(op: Op, range: Interval, frac: number): ValueId {
    const id = this.body.length;
    this.body.push({ ...op, id, range, frac, loc: this.loc } as Instr);
    this.late[id] = this.isLateOp(op);
    return id;
  }

  private at(id: ValueId): Instr {
    return this.body[id];
  }

  /** A late op, in a form with shorter chains where one of the rules applies. */
  private rewrite(op: Op, range: Interval, depth: number): ValueId {
    switch (op.op) {
      case "cmp":
        return this.cmp(op.pred, op.a, op.b, depth);
      case "add":
      case "sub":
        return this.addSub(op.op, op.a, op.b, range, depth);
      case "min":
      case "max": {
        // min: a < b ? a : b; max: b < a ? a : b (ties pick b, the same value), as the lowering does
        const [x, y] = op.op === "min" ? [op.a, op.b] : [op.b, op.a];
        const lt = this.cmp("lt", x, y, depth);
        return this.emit({ op: "select", cond: lt, a: op.a, b: op.b }, range, this.at(op.a).frac);
      }
      case "clamp": {
        const r = this.at(op.a).range;
        const f = this.at(op.a).frac;
        let v = op.a;
        if (r.hi > op.hi) {
          const hi = this.konst(op.hi, f);
          v = this.emit({ op: "select", cond: this.cmp("lt", hi, v, depth), a: hi, b: v }, iv(r.lo < op.hi ? r.lo : op.hi, op.hi), f);
        }
        if (r.lo < op.lo) {
          const lo = this.konst(op.lo, f);
          v = this.emit({ op: "select", cond: this.cmp("lt", v, lo, depth), a: lo, b: v }, range, f);
        }
        // neither side can apply: the operand's range is within the clamp's already
        return v;
      }
      default:
        return this.emit(op, range, this.frac);
    }
  }

  /** Distributing over a select of two late selects would double the logic at each level. */
  private bothSelects(s: Extract<Instr, { op: "select" }>): boolean {
    return [s.a, s.b].every((x) => this.late[x] && this.at(x).op === "select");
  }

  private konst(value: bigint, frac: number): ValueId {
    return this.emit({ op: "const", value }, iv(value, value), frac);
  }

  private early(id: ValueId): boolean {
    return !this.late[id];
  }

  private sameFrac(...ids: ValueId[]): boolean {
    return ids.every((x) => this.at(x).frac === this.at(ids[0]).frac);
  }

  private arith(op: "add" | "sub", a: ValueId, b: ValueId): ValueId {
    const [ra, rb] = [this.at(a).range, this.at(b).range];
    return this.emit({ op, a, b }, op === "add" ? addI(ra, rb) : subI(ra, rb), this.at(a).frac);
  }

  private addSub(op: "add" | "sub", a: ValueId, b: ValueId, range: Interval, depth: number): ValueId {
    // select(k, x, y) + e -> select(k, x + e, y + e): the select's condition and the sums run side by side
    const s = this.at(a);
    if (depth < MAX_DEPTH && s.op === "select" && this.late[a] && this.early(b) && this.sameFrac(s.a, s.b, b) && !this.bothSelects(s)) {
      const x = this.addSub(op, s.a, b, addSubRange(op, this.at(s.a).range, this.at(b).range), depth + 1);
      const y = this.addSub(op, s.b, b, addSubRange(op, this.at(s.b).range, this.at(b).range), depth + 1);
      return this.emit({ op: "select", cond: s.cond, a: x, b: y }, range, this.at(a).frac);
    }
    return this.emit({ op, a, b }, range, this.at(a).frac);
  }

  private cmp(pred: CmpPred, a: ValueId, b: ValueId, depth: number): ValueId {
    const plain = () => this.emit({ op: "cmp", pred, a, b }, BOOL, 0);
    if ((this.early(a) && this.early(b)) || depth >= MAX_DEPTH || !this.sameFrac(a, b)) return plain();
    const [x, y] = [this.at(a), this.at(b)];
    // a select on either side: compare with each branch
    for (const [s, other, sideA] of [[x, b, true], [y, a, false]] as const)
      if (s.op === "select" && this.late[s.id] && this.sameFrac(s.a, s.b, other) && !this.bothSelects(s)) {
        const onA = sideA ? this.cmp(pred, s.a, other, depth + 1) : this.cmp(pred, other, s.a, depth + 1);
        const onB = sideA ? this.cmp(pred, s.b, other, depth + 1) : this.cmp(pred, other, s.b, depth + 1);
        return this.emit({ op: "select", cond: s.cond, a: onA, b: onB }, BOOL, 0);
      }
    if (pred === "lt" || pred === "le") {
      // z < |v|  <=>  z < v or v < -z;   |v| < z  <=>  v < z and -z < v   (le alike)
      if (y.op === "abs" && this.early(a)) {
        const minus = this.emit({ op: "neg", a }, negI(x.range), x.frac);
        return this.emit({ op: "or", a: this.cmp(pred, a, y.a, depth + 1), b: this.cmp(pred, y.a, minus, depth + 1) }, BOOL, 0);
      }
      if (x.op === "abs" && this.early(b)) {
        const minus = this.emit({ op: "neg", a: b }, negI(y.range), y.frac);
        return this.emit({ op: "and", a: this.cmp(pred, x.a, b, depth + 1), b: this.cmp(pred, minus, x.a, depth + 1) }, BOOL, 0);
      }
    }
    // z cmp (l +- e), (l +- e) cmp z, and e - l on either side: move e to z's side
    for (const [s, z, sideA] of [[x, b, true], [y, a, false]] as const) {
      if ((s.op !== "add" && s.op !== "sub") || !this.early(z) || !this.sameFrac(s.a, s.b, z)) continue;
      const lateA = this.late[s.a] && this.early(s.b);
      const lateB = this.late[s.b] && this.early(s.a);
      if (!lateA && !lateB) continue;
      const [l, e] = lateA ? [s.a, s.b] : [s.b, s.a];
      if (s.op === "add" || lateA) {
        // l + e ? z  <=>  l ? z - e;   l - e ? z  <=>  l ? z + e
        const moved = this.arith(s.op === "add" ? "sub" : "add", z, e);
        return sideA ? this.cmp(pred, l, moved, depth + 1) : this.cmp(pred, moved, l, depth + 1);
      }
      // e - l ? z  <=>  e - z ? l
      const moved = this.arith("sub", e, z);
      return sideA ? this.cmp(pred, moved, l, depth + 1) : this.cmp(pred, l, moved, depth + 1);
    }
    return plain();
  }
}

function addSubRange(op: "add" | "sub", a: Interval, b: Interval): Interval {
  return op === "add" ? addI(a, b) : subI(a, b);
}
