import * as X from "./exact-math.js";
import { roundDiv } from "./interval.js";
import type { DerivedExpr, IrProgram } from "./ir.js";

/**
 * Derived parameters: parameter-only expressions, evaluated once per parameter load in exact rational
 * arithmetic (ln, exp, sqrt and fractional powers to within 2^-120), then rounded half-even once to the
 * slot's format and clamped to its proven range. Every target receives the resulting raw values, so
 * they agree by construction; this function is the single implementation. It returns lowest terms; the
 * loader (parameterVector) skips them (X.lazy): it only rounds the result, and the gcds cost most of a load.
 */
export function evalDerived(e: DerivedExpr, base: readonly X.Rational[], derived: readonly X.Rational[] = []): X.Rational {
  const v = evalUnreduced(e, base, derived);
  return X.rat(v.n, v.d);
}

/** The value, not necessarily in lowest terms: what the loader rounds. */
function evalUnreduced(e: DerivedExpr, base: readonly X.Rational[], derived: readonly X.Rational[]): X.Rational {
  switch (e.kind) {
    case "const":
      return X.rat(e.num, e.den);
    case "param":
      return base[e.slot];
    case "derived":
      return derived[e.slot];
    case "unary":
      return unary(e.op, evalUnreduced(e.a, base, derived));
    case "binary":
      return binary(e.op, evalUnreduced(e.a, base, derived), evalUnreduced(e.b, base, derived));
    default: {
      const never: never = e;
      throw new Error(`unknown derived expression ${JSON.stringify(never)}`);
    }
  }
}

const bool = (b: boolean) => X.rat(b ? 1n : 0n);

function unary(op: Extract<DerivedExpr, { kind: "unary" }>["op"], a: X.Rational): X.Rational {
  switch (op) {
    case "neg":
      return X.lazy.neg(a);
    case "abs":
      return X.lazy.abs(a);
    case "ln":
      return X.ln(a);
    case "exp":
      return X.exp(a);
    case "sqrt":
      return X.sqrt(a);
    case "floor":
      return X.rat(X.floorR(a));
    case "ceil":
      return X.rat(X.ceilR(a));
    case "not":
      return bool(a.n === 0n);
    default: {
      const never: never = op;
      throw new Error(`unknown op ${String(never)}`);
    }
  }
}

function binary(op: Extract<DerivedExpr, { kind: "binary" }>["op"], a: X.Rational, b: X.Rational): X.Rational {
  switch (op) {
    case "add":
      return X.lazy.add(a, b);
    case "sub":
      return X.lazy.sub(a, b);
    case "mul":
      return X.lazy.mul(a, b);
    case "div":
      return X.lazy.div(a, b);
    case "pow":
      return X.pow(a, b);
    case "min":
      return X.cmp(a, b) <= 0 ? a : b;
    case "max":
      return X.cmp(a, b) >= 0 ? a : b;
    case "lt":
      return bool(X.cmp(a, b) < 0);
    case "le":
      return bool(X.cmp(a, b) <= 0);
    case "eq":
      return bool(X.cmp(a, b) === 0);
    case "ne":
      return bool(X.cmp(a, b) !== 0);
    case "and":
      return bool(a.n !== 0n && b.n !== 0n);
    case "or":
      return bool(a.n !== 0n || b.n !== 0n);
    default: {
      const never: never = op;
      throw new Error(`unknown op ${String(never)}`);
    }
  }
}

/** Rounds a rational half-even to `frac` fraction bits. */
export function quantize(v: X.Rational, frac: number): bigint {
  return roundDiv(v.n << BigInt(frac), v.d, "half_even");
}

/** Why a base parameter vector does not fit the program (count, declared ranges), or undefined. */
export function baseProblem(program: IrProgram, base: readonly bigint[]): string | undefined {
  if (base.length !== program.params.length) return `expected ${program.params.length} parameters, got ${base.length}`;
  const i = program.params.findIndex((p, k) => base[k] < p.range.lo || base[k] > p.range.hi);
  if (i < 0) return undefined;
  const p = program.params[i];
  return `${p.name} = ${base[i]} (raw) is outside its declared range [${p.range.lo}, ${p.range.hi}]`;
}

/** A parameter set that a declared derived parameter's range refuses. */
export class ParameterError extends Error {}

/**
 * The full parameter vector every target is reset with: the base parameters as given, then each derived
 * slot. Base values must already be validated against their declared ranges. Throws ParameterError when
 * a checked derived parameter falls outside its declared range: such a parameter set is refused.
 */
export function parameterVector(program: IrProgram, baseRaw: readonly bigint[]): bigint[] {
  const base = program.params.map((p, i) => X.rat(baseRaw[i], 1n << BigInt(p.frac)));
  const out = [...baseRaw];
  const derived: X.Rational[] = [];
  for (const d of program.derived) {
    const raw = quantize(evalUnreduced(d.expr, base, derived), d.frac);
    if (d.checked && (raw < d.range.lo || raw > d.range.hi))
      throw new ParameterError(`${d.name} = ${d.text} is ${X.toNumber(X.rat(raw, 1n << BigInt(d.frac)))} with these parameters, outside its declared range (${d.loc})`);
    const value = raw < d.range.lo ? d.range.lo : raw > d.range.hi ? d.range.hi : raw;
    out.push(value);
    derived.push(X.rat(value, 1n << BigInt(d.frac)));
  }
  return out;
}
