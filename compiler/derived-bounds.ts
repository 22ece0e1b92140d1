import * as X from "./exact-math.js";
import type { DerivedExpr } from "./ir.js";

/**
 * Sound bounds of a parameter-only expression over the declared parameter ranges. Every operator is
 * monotonic per argument on its domain or handled by cases, so evaluating at interval ends suffices.
 * Returns a message instead when the expression can be undefined (ln of a value that may be <= 0, ...).
 */
export interface RBounds {
  readonly lo: X.Rational;
  readonly hi: X.Rational;
}

export type BoundsResult = RBounds | { readonly error: string };

const rmin = (xs: X.Rational[]) => xs.reduce((a, b) => (X.cmp(b, a) < 0 ? b : a));
const rmax = (xs: X.Rational[]) => xs.reduce((a, b) => (X.cmp(b, a) > 0 ? b : a));
const ZERO = X.rat(0n);
const BOOL: RBounds = { lo: ZERO, hi: X.rat(1n) };
const corners = (a: RBounds, b: RBounds, f: (x: X.Rational, y: X.Rational) => X.Rational): RBounds => {
  const c = [f(a.lo, b.lo), f(a.lo, b.hi), f(a.hi, b.lo), f(a.hi, b.hi)];
  return { lo: rmin(c), hi: rmax(c) };
};

export function derivedBounds(e: DerivedExpr, params: readonly RBounds[], derived: readonly RBounds[] = []): BoundsResult {
  switch (e.kind) {
    case "const":
      return { lo: X.rat(e.num, e.den), hi: X.rat(e.num, e.den) };
    case "param":
      return params[e.slot];
    case "derived":
      return derived[e.slot];
    case "unary": {
      const a = derivedBounds(e.a, params, derived);
      return "error" in a ? a : unaryBounds(e.op, a);
    }
    case "binary": {
      const a = derivedBounds(e.a, params, derived);
      if ("error" in a) return a;
      const b = derivedBounds(e.b, params, derived);
      return "error" in b ? b : binaryBounds(e.op, a, b);
    }
    default: {
      const never: never = e;
      throw new Error(`unknown derived expression ${JSON.stringify(never)}`);
    }
  }
}

function unaryBounds(op: Extract<DerivedExpr, { kind: "unary" }>["op"], a: RBounds): BoundsResult {
  switch (op) {
    case "neg":
      return { lo: X.rat(-a.hi.n, a.hi.d), hi: X.rat(-a.lo.n, a.lo.d) };
    case "abs": {
      if (X.cmp(a.lo, ZERO) >= 0) return a;
      const negLo = X.rat(-a.lo.n, a.lo.d);
      if (X.cmp(a.hi, ZERO) <= 0) return { lo: X.rat(-a.hi.n, a.hi.d), hi: negLo };
      return { lo: ZERO, hi: rmax([negLo, a.hi]) };
    }
    case "ln":
      if (X.cmp(a.lo, ZERO) <= 0) return { error: "ln needs a positive argument; this one may be zero or negative" };
      return { lo: X.ln(a.lo), hi: X.ln(a.hi) };
    case "exp":
      if (X.cmp(a.hi, X.rat(40n)) > 0) return { error: "exp of a value that may exceed 40 overflows every format" };
      return { lo: X.exp(a.lo), hi: X.exp(a.hi) };
    case "sqrt":
      if (X.cmp(a.lo, ZERO) < 0) return { error: "sqrt needs a non-negative argument; this one may be negative" };
      return { lo: X.sqrt(a.lo), hi: X.sqrt(a.hi) };
    case "floor":
      return { lo: X.rat(X.floorR(a.lo)), hi: X.rat(X.floorR(a.hi)) };
    case "ceil":
      return { lo: X.rat(X.ceilR(a.lo)), hi: X.rat(X.ceilR(a.hi)) };
    case "not":
      return BOOL;
    default: {
      const never: never = op;
      throw new Error(`unknown op ${String(never)}`);
    }
  }
}

function binaryBounds(op: Extract<DerivedExpr, { kind: "binary" }>["op"], a: RBounds, b: RBounds): BoundsResult {
  switch (op) {
    case "add":
      return { lo: X.add(a.lo, b.lo), hi: X.add(a.hi, b.hi) };
    case "sub":
      return { lo: X.sub(a.lo, b.hi), hi: X.sub(a.hi, b.lo) };
    case "mul":
      return corners(a, b, X.mul);
    case "div":
      if (X.cmp(b.lo, ZERO) <= 0 && X.cmp(b.hi, ZERO) >= 0)
        return { error: "the divisor may be zero over the declared parameter ranges" };
      return corners(a, b, X.div);
    case "pow": {
      if (X.cmp(a.lo, ZERO) <= 0) return { error: "pow needs a positive base; this one may be zero or negative" };
      const l = corners({ lo: X.ln(a.lo), hi: X.ln(a.hi) }, b, X.mul);
      if (X.cmp(l.hi, X.rat(40n)) > 0) return { error: "this power may overflow every format" };
      return { lo: X.exp(l.lo), hi: X.exp(l.hi) };
    }
    case "min":
      return { lo: rmin([a.lo, b.lo]), hi: rmin([a.hi, b.hi]) };
    case "max":
      return { lo: rmax([a.lo, b.lo]), hi: rmax([a.hi, b.hi]) };
    case "lt":
    case "le":
    case "eq":
    case "ne":
    case "and":
    case "or":
      return BOOL;
    default: {
      const never: never = op;
      throw new Error(`unknown op ${String(never)}`);
    }
  }
}
