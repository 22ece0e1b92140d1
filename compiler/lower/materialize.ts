import type { Span } from "../../language/span.js";
import { derivedBounds, type RBounds } from "../derived-bounds.js";
import { evalDerived, quantize } from "../derived-eval.js";
import * as X from "../exact-math.js";
import { bitsFor, iv } from "../interval.js";
import type { Num } from "../ir-builder.js";
import type { DerivedExpr } from "../ir.js";
import { showUnit, type Unit } from "../units.js";
import type { HandlerContext } from "./handler-context.js";
import type { ProgramModel } from "./program-model.js";
import { ERROR, type Val } from "./values.js";

const STATIC_FRAC = 32;
/**
 * Parameter-only expressions are evaluated exactly (derived-eval.ts, derived-bounds.ts) by recursion on
 * the expression tree; a `p + p + ... + p` chain is as deep as it is long. 256 levels is far beyond
 * any real formula and far below where those walks would overflow the stack.
 */
export const MAX_STATIC_DEPTH = 256;

const depths = new WeakMap<DerivedExpr, number>();

function children(e: DerivedExpr): DerivedExpr[] {
  return e.kind === "unary" ? [e.a] : e.kind === "binary" ? [e.a, e.b] : [];
}

/** Levels of a derived expression, without recursion, remembered for the trees it is part of later. */
function depthOf(root: DerivedExpr): number {
  const stack: DerivedExpr[] = [root];
  while (stack.length) {
    const e = stack[stack.length - 1];
    if (depths.has(e)) {
      stack.pop();
      continue;
    }
    const pending = children(e).filter((c) => !depths.has(c));
    if (pending.length) {
      stack.push(...pending);
      continue;
    }
    depths.set(e, 1 + Math.max(0, ...children(e).map((c) => depths.get(c)!)));
    stack.pop();
  }
  return depths.get(root)!;
}

/** A parameter-only value as a static Val, with sound bounds; reports undefined operations. */
export function staticVal(
  expr: DerivedExpr,
  unit: Unit,
  bool: boolean,
  text: string,
  span: Span,
  model: ProgramModel,
): Val {
  if (depthOf(expr) > MAX_STATIC_DEPTH) {
    model.diags.error(
      "T014",
      span,
      `this parameter-only expression is more than ${MAX_STATIC_DEPTH} operations deep; Lockstep evaluates such expressions exactly, at most ${MAX_STATIC_DEPTH} levels deep`,
      "group it, (a + b) + (c + d) instead of a + b + c + d, or round a part once with a typed let (let part : fix<I.F> = ...)",
    );
    return ERROR;
  }
  const params: RBounds[] = model.params.map((p) => model.paramInfo.get(p.name)!.bounds);
  const bounds = derivedBounds(expr, params, model.derived.map(slotBounds));
  if ("error" in bounds) {
    model.diags.error(
      "R005",
      span,
      bounds.error,
      "narrow the parameter ranges so the expression is defined for all of them",
    );
    return ERROR;
  }
  // a constant folds to its exact value (bounds.lo would be 0 for every comparison: its bounds are [0, 1])
  const value = isConstant(expr) && expr.kind !== "const" ? evalDerived(expr, []) : undefined;
  const folded: DerivedExpr = value ? { kind: "const", num: value.n, den: value.d } : expr;
  return { kind: "static", expr: folded, bounds, unit, bool, text, span };
}

/** Constant folding: an expression without parameters has one value, its bounds (exact up to 2^-120). */
function isConstant(e: DerivedExpr): boolean {
  switch (e.kind) {
    case "const":
      return true;
    case "param":
    case "derived":
      return false;
    case "unary":
      return isConstant(e.a);
    case "binary":
      return isConstant(e.a) && isConstant(e.b);
    default: {
      const never: never = e;
      throw new Error(`unknown derived expression ${JSON.stringify(never)}`);
    }
  }
}

/** Fraction bits of an exactly representable constant, if it needs at most 32. */
function dyadicFrac(v: X.Rational): number | undefined {
  for (let f = 0; f <= STATIC_FRAC; f++) if (v.d << 0n === 1n << BigInt(f)) return f;
  return undefined;
}

/**
 * Turns a static value into a per-event one: a declared parameter is read from its slot, a constant is
 * quantized (exactly when it is a short binary fraction, else to 32 fraction bits, half-even, with the
 * error noted), anything else becomes a derived parameter slot computed once per parameter load.
 */
export function materialize(
  v: Extract<Val, { kind: "static" }>,
  ctx: HandlerContext,
  span: Span,
  maxFrac = STATIC_FRAC,
): Num {
  const { model, b } = ctx;
  if (v.paramSlot !== undefined) {
    const p = model.params[v.paramSlot];
    return b.param(v.paramSlot, p.frac, p.range, span);
  }
  if (v.expr.kind === "derived") {
    const d = model.derived[v.expr.slot];
    return b.param(model.params.length + v.expr.slot, d.frac, d.range, span);
  }
  if (v.expr.kind === "const") {
    const value = X.rat(v.expr.num, v.expr.den);
    const exact = dyadicFrac(value);
    const frac = exact !== undefined && exact <= maxFrac ? exact : maxFrac;
    const raw = quantize(value, frac);
    if (exact === undefined || exact > maxFrac) {
      const err = Math.abs(X.toNumber(X.sub(X.rat(raw, 1n << BigInt(frac)), value)));
      model.notes.push({
        loc: model.loc(span),
        message: `constant ${v.text} quantized to ${frac} fraction bits (error ${err.toExponential(2)})`,
      });
    }
    return b.constant(raw, frac, span);
  }
  const slot = derivedSlot(v, v.span, model, maxFrac);
  const d = model.derived[slot];
  return b.param(model.params.length + slot, d.frac, d.range, v.span);
}

function derivedSlot(v: Extract<Val, { kind: "static" }>, span: Span, model: ProgramModel, maxFrac: number): number {
  const key = JSON.stringify(v.expr, (_k, x) => (typeof x === "bigint" ? `${x}n` : x)) + `/${maxFrac}`;
  const known = model.derivedByKey.get(key);
  if (known !== undefined) return known;
  const integral = v.bool || (v.expr.kind === "unary" && (v.expr.op === "floor" || v.expr.op === "ceil"));
  let frac = integral ? 0 : maxFrac;
  const rangeAt = (f: number) =>
    iv(
      X.floorR(X.mul(v.bounds.lo, X.rat(1n << BigInt(f)))) - 1n,
      X.ceilR(X.mul(v.bounds.hi, X.rat(1n << BigInt(f)))) + 1n,
    );
  while (frac > 0 && bitsFor(rangeAt(frac)) > 53) frac--;
  const range = integral ? iv(X.floorR(v.bounds.lo), X.ceilR(v.bounds.hi)) : rangeAt(frac);
  const slot = model.derived.length;
  model.derived.push({
    name: `derived_${slot}`,
    frac,
    range,
    loc: model.loc(span),
    unit: showUnit(v.unit),
    expr: v.expr,
    text: v.text,
    checked: false,
  });
  model.derivedByKey.set(key, slot);
  return slot;
}

const slotBounds = (d: { frac: number; range: { lo: bigint; hi: bigint } }): RBounds => ({
  lo: X.rat(d.range.lo, 1n << BigInt(d.frac)),
  hi: X.rat(d.range.hi, 1n << BigInt(d.frac)),
});

/**
 * `let x : T = <parameter-only expression>`: a derived parameter with the author's format and range.
 * Where range analysis cannot prove the range (interval bounds of a product of dependent factors are
 * often far too wide), the range is checked when parameters load and a parameter set that breaks it
 * is refused. Uses of x see the declared range.
 */
export function declareDerived(
  v: Extract<Val, { kind: "static" }>,
  frac: number,
  range: { lo: bigint; hi: bigint },
  name: string,
  span: Span,
  model: ProgramModel,
): Val {
  const proven = rangeAtFrac(v.bounds, frac);
  const checked = proven.lo < range.lo || proven.hi > range.hi;
  const slot = model.derived.length;
  model.derived.push({ name, frac, range, loc: model.loc(span), unit: showUnit(v.unit), expr: v.expr, text: v.text, checked });
  return { kind: "static", expr: { kind: "derived", slot }, bounds: slotBounds({ frac, range }), unit: v.unit, bool: false, text: name, span };
}

function rangeAtFrac(b: RBounds, f: number) {
  return iv(X.floorR(X.mul(b.lo, X.rat(1n << BigInt(f)))), X.ceilR(X.mul(b.hi, X.rat(1n << BigInt(f)))));
}

/** Signed bits of the whole-number part of a static value's bounds (exact, on BigInt). */
const magnitudeBits = (b: RBounds) => bitsFor(iv(X.floorR(b.lo), X.ceilR(b.hi)));

/**
 * A parameter-only operand next to a per-event one gets as many fraction bits (at most 32) as keep the
 * operation within its width rule: a sum within 53 bits, a product within 64. The choice depends only
 * on proven ranges, so it is fixed at compile time and identical on every target.
 */
export function asNumBeside(v: Val, other: Num, op: "add" | "mul", ctx: HandlerContext, span: Span): Num | undefined {
  if (v.kind !== "static" || v.paramSlot !== undefined || v.bool) return asNum(v, ctx, span);
  const staticBits = magnitudeBits(v.bounds);
  const otherBits = bitsFor(other.range);
  const frac =
    op === "mul"
      ? Math.max(0, Math.min(STATIC_FRAC, 63 - otherBits - staticBits))
      : Math.max(0, Math.min(STATIC_FRAC, Math.max(other.frac, 51 - Math.max(staticBits, otherBits - other.frac))));
  return materialize(v, ctx, span, frac);
}

/** Any value as a per-event Num (statics are materialized); undefined for errors. */
export function asNum(v: Val, ctx: HandlerContext, span: Span): Num | undefined {
  if (v.kind === "error") return undefined;
  if (v.kind === "num") return v.num;
  return materialize(v, ctx, span);
}
