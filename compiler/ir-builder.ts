import type { Diagnostics } from "../language/diagnostic.js";
import type { Span } from "../language/span.js";
import * as I from "./interval.js";
import type { CmpPred, InputField, Instr, Interval, Loc, Op, Rounding, TableFunction, ValueId } from "./ir.js";

/** A runtime value under construction: its IR id, its fixed-point format and its proven interval. */
export interface Num {
  readonly id: ValueId;
  readonly frac: number;
  readonly range: Interval;
}

type OpOnly = Op extends infer O ? (O extends Op ? O : never) : never;

/**
 * Builds one handler's straight-line body. Range analysis happens here: each op's interval is computed
 * from its operands' as the op is created, and the width rules are checked against the source span.
 * Identical ops are shared (common-subexpression elimination by construction).
 */
export class IrBuilder {
  readonly body: Instr[] = [];
  readonly functions: TableFunction[] = [];
  private readonly seen = new Map<string, Num>();

  constructor(
    private readonly diags: Diagnostics,
    private readonly locOf: (span: Span) => Loc,
  ) {}

  private emit(op: OpOnly, frac: number, range: Interval, span: Span): Num {
    const key = JSON.stringify(op, (_k, v) => (typeof v === "bigint" ? `${v}n` : v)) + `/${frac}`;
    const hit = this.seen.get(key);
    if (hit) return hit;
    if (!I.fits(range, I.LIMIT_53)) {
      this.rangeError(
        "R001",
        span,
        `this value is in ${I.formatInterval(range, frac)} (raw [${range.lo}, ${range.hi}] at ${frac} fraction bits): it needs ${I.bitsFor(range)} bits; values are limited to 53 bits`,
        "narrow the declared ranges it depends on, clamp(...) an input to it, or use fewer fraction bits (let x : fix<I.F> = ...)",
      );
      range = I.clampI(range, -I.LIMIT_53, I.LIMIT_53);
    }
    const instr = { ...op, id: this.body.length, frac, range, loc: this.locOf(span) } as Instr;
    this.body.push(instr);
    const v = { id: instr.id, frac, range };
    this.seen.set(key, v);
    return v;
  }

  constant(value: bigint, frac: number, span: Span): Num {
    return this.emit({ op: "const", value }, frac, I.point(value), span);
  }

  param(slot: number, frac: number, range: Interval, span: Span): Num {
    return this.emit({ op: "param", slot }, frac, range, span);
  }

  state(slot: number, frac: number, range: Interval, span: Span): Num {
    return this.emit({ op: "state", slot }, frac, range, span);
  }

  input(field: InputField, range: Interval, span: Span): Num {
    return this.emit({ op: "input", field }, 0, range, span);
  }

  /** Brings a value to `frac` fraction bits: exact when widening, rounded when narrowing. */
  rescale(a: Num, frac: number, round: Rounding, span: Span): Num {
    if (a.frac === frac) return a;
    if (a.frac < frac) {
      const n = frac - a.frac;
      return this.emit({ op: "shl", a: a.id, n }, frac, I.shlI(a.range, n), span);
    }
    const n = a.frac - frac;
    return this.emit({ op: "shr", a: a.id, n, round }, frac, I.shrI(a.range, n, round), span);
  }

  /** A rounding the source asks for (floor, round, floor_tick, ...): the float semantics keeps it. */
  authorRound(a: Num, frac: number, round: Rounding, span: Span): Num {
    // already at that precision here, but not in the float semantics: a shift by 0 marks the rounding
    if (a.frac < frac) return this.rescale(a, frac, round, span);
    const n = a.frac - frac;
    return this.emit({ op: "shr", a: a.id, n, round, kept: true }, frac, I.shrI(a.range, n, round), span);
  }

  /** Records that `value` is a table's approximation of fn(arg). */
  tableFunction(value: Num, fn: TableFunction["fn"], arg: Num): void {
    if (!this.functions.some((f) => f.value === value.id)) this.functions.push({ value: value.id, fn, arg: arg.id });
  }

  /** Raw right shift keeping the format label: for index arithmetic on tables. */
  shiftRight(a: Num, n: number, span: Span): Num {
    return this.emit({ op: "shr", a: a.id, n, round: "floor" }, a.frac, I.shrI(a.range, n, "floor"), span);
  }

  /** Raw left shift keeping the format label. */
  shiftLeft(a: Num, n: number, span: Span): Num {
    return this.emit({ op: "shl", a: a.id, n }, a.frac, I.shlI(a.range, n), span);
  }

  /**
   * Both operands at the finer one's precision. `result` is the underlined expression's interval from the
   * aligned operands': an operand that overflows there is reported with that interval and its own, so
   * the message is about the expression under the caret, not only an internal shift.
   */
  private aligned(a: Num, b: Num, span: Span, result?: (x: Interval, y: Interval) => Interval): [Num, Num, number] {
    const f = Math.max(a.frac, b.frac);
    const [wa, wb] = [I.shlI(a.range, f - a.frac), I.shlI(b.range, f - b.frac)];
    const wide = !I.fits(wa, I.LIMIT_53) ? a : !I.fits(wb, I.LIMIT_53) ? b : undefined;
    if (wide) {
      const at = wide === a ? wa : wb;
      const whole = result?.(wa, wb);
      const fit = Math.max(wide.frac, 53 - I.bitsFor(wide.range) + wide.frac);
      this.rangeError(
        "R001",
        span,
        `${whole ? `this value is in ${I.formatInterval(whole, f)}, ` : ""}at ${f} fraction bits (its finer operand's): its operand in ${I.formatInterval(wide.range, wide.frac)} needs ${I.bitsFor(at)} bits there; values are limited to 53 bits`,
        `round the operand with ${f} fraction bits to at most ${fit} first (precision(x, ${fit}), or let x : fix<I.F> = ...), or narrow the declared ranges it depends on`,
      );
    }
    return [this.rescale(a, f, "floor", span), this.rescale(b, f, "floor", span), f];
  }

  add(a: Num, b: Num, span: Span): Num {
    const [x, y, f] = this.aligned(a, b, span, I.addI);
    return this.emit({ op: "add", a: x.id, b: y.id }, f, I.addI(x.range, y.range), span);
  }

  sub(a: Num, b: Num, span: Span): Num {
    const [x, y, f] = this.aligned(a, b, span, I.subI);
    return this.emit({ op: "sub", a: x.id, b: y.id }, f, I.subI(x.range, y.range), span);
  }

  min(a: Num, b: Num, span: Span): Num {
    const [x, y, f] = this.aligned(a, b, span, I.minI);
    return this.emit({ op: "min", a: x.id, b: y.id }, f, I.minI(x.range, y.range), span);
  }

  max(a: Num, b: Num, span: Span): Num {
    const [x, y, f] = this.aligned(a, b, span, I.maxI);
    return this.emit({ op: "max", a: x.id, b: y.id }, f, I.maxI(x.range, y.range), span);
  }

  neg(a: Num, span: Span): Num {
    return this.emit({ op: "neg", a: a.id }, a.frac, I.negI(a.range), span);
  }

  abs(a: Num, span: Span): Num {
    return this.emit({ op: "abs", a: a.id }, a.frac, I.absI(a.range), span);
  }

  /** a * b, rounded down to the finer operand's precision (max of the two fraction widths). */
  mul(a: Num, b: Num, span: Span, frac = Math.max(a.frac, b.frac), round: Rounding = "floor"): Num {
    const same = a.id === b.id;
    const product = same ? I.squareI(a.range) : I.mulI(a.range, b.range);
    const shift = a.frac + b.frac - frac;
    if (shift < 0) return this.mul(this.rescale(a, a.frac - shift, round, span), b, span, frac, round);
    this.checkWide(product, span, `product of ${I.formatInterval(a.range, a.frac)} and ${I.formatInterval(b.range, b.frac)}`);
    return this.emit(
      { op: "mul", a: a.id, b: b.id, shift, round },
      frac,
      I.mulShiftI(a.range, b.range, shift, round, same),
      span,
    );
  }

  /** a / b at `frac` fraction bits, rounded down; b's interval must exclude zero. `kept`: see the IR's div. */
  div(a: Num, b: Num, frac: number, span: Span, kept = false): Num {
    if (b.range.lo <= 0n && b.range.hi >= 0n) {
      this.diags.error(
        "R004",
        span,
        `the divisor may be zero: its range is ${I.formatInterval(b.range, b.frac)}`,
        "divide by max(x, smallest positive value) or guard the division with if",
      );
      return this.constant(0n, frac, span);
    }
    const shift = frac - a.frac + b.frac;
    // fewer fraction bits in the dividend make the shift zero
    if (shift < 0) return this.div(this.rescale(a, a.frac + shift, "floor", span), b, frac, span, kept);
    this.checkWide(I.shlI(a.range, shift), span, `dividend ${I.formatInterval(a.range, a.frac)}, shifted by ${shift} bits,`, I.LIMIT_53);
    const op = kept ? ({ op: "div", a: a.id, b: b.id, shift, kept } as const) : ({ op: "div", a: a.id, b: b.id, shift } as const);
    return this.emit(op, frac, I.divI(a.range, b.range, shift), span);
  }

  mod(a: Num, b: Num, span: Span): Num {
    const [x, y, f] = this.aligned(a, b, span, I.modI);
    return this.emit({ op: "mod", a: x.id, b: y.id }, f, I.modI(x.range, y.range), span);
  }

  cmp(pred: CmpPred | "gt" | "ge", a: Num, b: Num, span: Span): Num {
    const [x, y] = this.aligned(a, b, span);
    if (pred === "gt") return this.emit({ op: "cmp", pred: "lt", a: y.id, b: x.id }, 0, I.BOOL, span);
    if (pred === "ge") return this.emit({ op: "cmp", pred: "le", a: y.id, b: x.id }, 0, I.BOOL, span);
    return this.emit({ op: "cmp", pred, a: x.id, b: y.id }, 0, I.BOOL, span);
  }

  and(a: Num, b: Num, span: Span): Num {
    return this.emit({ op: "and", a: a.id, b: b.id }, 0, I.BOOL, span);
  }

  or(a: Num, b: Num, span: Span): Num {
    return this.emit({ op: "or", a: a.id, b: b.id }, 0, I.BOOL, span);
  }

  not(a: Num, span: Span): Num {
    return this.emit({ op: "not", a: a.id }, 0, I.BOOL, span);
  }

  select(cond: Num, a: Num, b: Num, span: Span): Num {
    if (a.id === b.id) return a;
    const [x, y, f] = this.aligned(a, b, span, I.hull);
    return this.emit({ op: "select", cond: cond.id, a: x.id, b: y.id }, f, I.hull(x.range, y.range), span);
  }

  clamp(a: Num, lo: bigint, hi: bigint, span: Span): Num {
    if (I.contains({ lo, hi }, a.range)) return a;
    return this.emit({ op: "clamp", a: a.id, lo, hi }, a.frac, I.clampI(a.range, lo, hi), span);
  }

  lut(table: number, index: Num, frac: number, range: Interval, span: Span): Num {
    return this.emit({ op: "lut", table, index: index.id }, frac, range, span);
  }

  /**
   * One range error per place: a value that overflows makes everything computed from it overflow too, and
   * only the first (innermost) report helps. Later reports whose span encloses an earlier one are dropped.
   */
  private rangeError(code: string, span: Span, message: string, hint: string): void {
    const inner = this.diags.items.some(
      (d) => (d.code === "R001" || d.code === "R002") && d.span.start >= span.start && d.span.end <= span.end,
    );
    if (!inner) this.diags.error(code, span, message, hint);
  }

  private checkWide(r: Interval, span: Span, what: string, limit = I.LIMIT_64): void {
    if (I.fits(r, limit)) return;
    this.rangeError(
      "R002",
      span,
      `the ${what} here needs ${I.bitsFor(r)} bits; it is limited to ${limit === I.LIMIT_64 ? 64 : 53} bits`,
      "narrow the ranges of the operands, or round one operand to fewer fraction bits first (let x : fix<I.F> = ...)",
    );
  }
}
