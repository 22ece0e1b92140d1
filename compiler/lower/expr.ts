import type * as A from "../../language/ast.js";
import type { Span } from "../../language/span.js";
import type { Num } from "../ir-builder.js";
import { bitsFor, mulI, squareI } from "../interval.js";
import type { DerivedBinary, DerivedExpr } from "../ir.js";
import * as X from "../exact-math.js";
import { divUnit, isNone, mulUnit, NONE, PRICE, sameUnit, showUnit, type Unit } from "../units.js";
import { midOf } from "./events.js";
import { lowerCall } from "./calls.js";
import { literalValue } from "./constants.js";
import { editDistance } from "./edit-distance.js";
import type { HandlerContext } from "./handler-context.js";
import { asNum, asNumBeside, staticVal } from "./materialize.js";
import { ERROR, type Val } from "./values.js";

const DIV_FRAC = 16;
/** No value carries more fraction bits: every shift stays below 64 on every target. */
const MAX_FRAC = 52;

export function lowerExpr(e: A.Expr, ctx: HandlerContext): Val {
  switch (e.kind) {
    case "number":
    case "ticks":
    case "lots":
    case "duration": {
      const lit = literalValue(e)!;
      return staticVal(
        { kind: "const", num: lit.value.n, den: lit.value.d },
        lit.unit,
        false,
        ctx.model.text(e.span),
        e.span,
        ctx.model,
      );
    }
    case "bool":
      return staticVal(
        { kind: "const", num: e.value ? 1n : 0n, den: 1n },
        NONE,
        true,
        String(e.value),
        e.span,
        ctx.model,
      );
    case "name":
      return lowerName(e.name, e.span, ctx);
    case "unary":
      return lowerUnary(e, ctx);
    case "binary":
      return lowerBinary(e, ctx);
    case "call":
      return lowerCall(e, ctx);
    case "error":
      return ERROR;
    default: {
      const never: never = e;
      throw new Error(`unknown expression ${JSON.stringify(never)}`);
    }
  }
}

export function numVal(num: Num, unit: Unit, bool = false): Val {
  return { kind: "num", num, unit, bool };
}

function lowerName(name: string, span: Span, ctx: HandlerContext): Val {
  const local = ctx.lookupLocal(name) ?? ctx.fields.get(name);
  if (local) return local;
  const stateSlot = ctx.globals.states.get(name);
  if (stateSlot !== undefined) {
    const s = ctx.model.state[stateSlot];
    return numVal(ctx.readState(stateSlot, span), unitOfState(ctx, stateSlot), s.unit === "bool");
  }
  if (name === "mid") return numVal(midOf(ctx, span), PRICE);
  const named = ctx.globals.statics.get(name);
  if (named) return named;
  const param = ctx.model.paramInfo.get(name);
  if (param) {
    const v = staticVal({ kind: "param", slot: param.slot }, param.unit, false, name, span, ctx.model);
    return v.kind === "static" ? { ...v, paramSlot: param.slot } : v;
  }
  if (ctx.model.rejectedNames.has(name)) return ERROR;
  ctx.model.diags.error("N001", span, `unknown name '${name}'`, suggestName(name, ctx));
  return ERROR;
}

/** State units are recorded as text on slots; the unit table keeps the vector form. */
function unitOfState(ctx: HandlerContext, slot: number): Unit {
  return ctx.model.stateUnits.get(slot) ?? NONE;
}

function suggestName(name: string, ctx: HandlerContext): string {
  const known = [
    ...ctx.scopes.flatMap((s) => [...s.keys()]),
    ...ctx.fields.keys(),
    ...ctx.globals.states.keys(),
    ...ctx.globals.statics.keys(),
    ...ctx.model.paramInfo.keys(),
  ].filter((n) => !n.startsWith("$"));
  const close = known.find((k) => editDistance(k, name) <= 2);
  if (close) return `did you mean '${close}'?`;
  const fieldHint = /^(trade|fill|order)_/.test(name)
    ? ` (event fields such as ${name} exist only in their own handler)`
    : "";
  return `declare it as a parameter, a state or a let before using it${fieldHint}`;
}

function lowerUnary(e: Extract<A.Expr, { kind: "unary" }>, ctx: HandlerContext): Val {
  const v = lowerExpr(e.operand, ctx);
  if (v.kind === "error") return v;
  if (e.op === "not") {
    if (!requireBool(v, true, e.operand.span, ctx)) return ERROR;
    if (v.kind === "static")
      return staticVal({ kind: "unary", op: "not", a: v.expr }, NONE, true, ctx.model.text(e.span), e.span, ctx.model);
    return numVal(ctx.b.not(v.num, e.span), NONE, true);
  }
  if (!requireBool(v, false, e.operand.span, ctx)) return ERROR;
  if (v.kind === "static")
    return staticVal({ kind: "unary", op: "neg", a: v.expr }, v.unit, false, ctx.model.text(e.span), e.span, ctx.model);
  return numVal(ctx.b.neg(v.num, e.span), v.unit);
}

export function requireBool(v: Val, want: boolean, span: Span, ctx: HandlerContext): boolean {
  if (v.kind === "error") return false;
  if (v.bool === want) return true;
  ctx.model.diags.error(
    "U002",
    span,
    want ? "expected a condition (true/false) here, found a number" : "expected a number here, found a condition",
    want ? "compare it, e.g. x > 0" : "use if ... { } else { } to turn a condition into a value",
  );
  return false;
}

const ARITH: Partial<Record<A.BinaryOp, DerivedBinary>> = { "+": "add", "-": "sub", "*": "mul", "/": "div" };
const COMPARE: Partial<Record<A.BinaryOp, "lt" | "le" | "gt" | "ge" | "eq" | "ne">> = {
  "<": "lt",
  "<=": "le",
  ">": "gt",
  ">=": "ge",
  "==": "eq",
  "!=": "ne",
};

/** A bare numeric constant takes the unit of what it is added to or compared with: `mid + 1` means one tick. */
function adoptUnits(a: Val, b: Val): [Unit, Unit] {
  const unitOf = (v: Val) => (v.kind === "error" ? NONE : v.unit);
  const isBareConst = (v: Val) => v.kind === "static" && v.expr.kind === "const" && isNone(v.unit);
  let ua = unitOf(a);
  let ub = unitOf(b);
  if (isBareConst(a)) ua = ub;
  if (isBareConst(b)) ub = ua;
  return [ua, ub];
}

type Binary = Extract<A.Expr, { kind: "binary" }>;

/**
 * A left-associative chain (`a + b + c + ...`) is a left-deep tree as long as the chain: it is walked
 * along its left spine with a loop, so only the right operands (bounded by the nesting limit) recurse.
 */
function lowerBinary(e: Binary, ctx: HandlerContext): Val {
  const spine: Binary[] = [];
  let leftmost: A.Expr = e;
  while (leftmost.kind === "binary") {
    spine.push(leftmost);
    leftmost = leftmost.left;
  }
  let acc = lowerExpr(leftmost, ctx);
  for (let i = spine.length - 1; i >= 0; i--) {
    const b = lowerExpr(spine[i].right, ctx);
    acc = acc.kind === "error" || b.kind === "error" ? ERROR : combineBinary(spine[i], acc, b, ctx);
  }
  return acc;
}

function combineBinary(e: Binary, a: Exclude<Val, { kind: "error" }>, b: Exclude<Val, { kind: "error" }>, ctx: HandlerContext): Val {
  // the source text only where a static value keeps it: computing it for every link of a chain is quadratic
  const text = () => ctx.model.text(e.span);
  if (e.op === "and" || e.op === "or") {
    if (!requireBool(a, true, e.left.span, ctx) || !requireBool(b, true, e.right.span, ctx)) return ERROR;
    if (a.kind === "static" && b.kind === "static")
      return staticVal({ kind: "binary", op: e.op, a: a.expr, b: b.expr }, NONE, true, text(), e.span, ctx.model);
    const x = asNum(a, ctx, e.left.span)!;
    const y = asNum(b, ctx, e.right.span)!;
    return numVal(e.op === "and" ? ctx.b.and(x, y, e.span) : ctx.b.or(x, y, e.span), NONE, true);
  }
  if (!requireBool(a, false, e.left.span, ctx) || !requireBool(b, false, e.right.span, ctx)) return ERROR;
  const cmp = COMPARE[e.op];
  // only sums, remainders and comparisons let a bare constant take the other side's unit: in 2 * mid it stays a number
  const alike = cmp || e.op === "+" || e.op === "-" || e.op === "%";
  const [ua, ub] = alike ? adoptUnits(a, b) : [a.unit, b.unit];
  if (alike) {
    if (!sameUnit(ua, ub)) {
      ctx.model.diags.error(
        "U001",
        e.span,
        `cannot ${cmp ? "compare" : e.op === "+" ? "add" : e.op === "-" ? "subtract" : "take the remainder of"} ${showUnit(ua)} and ${showUnit(ub)}`,
        "both sides need the same unit; convert with price(x), qty(x) or value(x) where you mean it",
      );
      return ERROR;
    }
  }
  if (cmp) return compare(cmp, a, b, e, ctx);
  if (e.op === "%") return remainder(a, b, ua, e, ctx);
  const unit = e.op === "*" ? mulUnit(ua, ub) : e.op === "/" ? divUnit(ua, ub) : ua;
  if (a.kind === "static" && b.kind === "static")
    return staticVal({ kind: "binary", op: ARITH[e.op]!, a: a.expr, b: b.expr }, unit, false, text(), e.span, ctx.model);
  if (e.op === "/" && b.kind === "static") {
    const k = powerOfTwo(b.expr);
    if (k !== undefined && (a.kind !== "num" || a.num.frac + k <= MAX_FRAC)) {
      const x = asNum(a, ctx, e.left.span)!;
      return numVal({ id: x.id, frac: x.frac + k, range: x.range }, unit);
    }
  }
  const [x, y] = operands(a, b, e.op === "*" ? "mul" : "add", e, ctx);
  switch (e.op) {
    case "+":
      return numVal(ctx.b.add(x, y, e.span), unit);
    case "-":
      return numVal(ctx.b.sub(x, y, e.span), unit);
    case "*":
      return numVal(ctx.b.mul(x, y, e.span, productFrac(x, y)), unit);
    case "/":
      return numVal(ctx.b.div(x, y, Math.max(x.frac, y.frac, DIV_FRAC), e.span), unit);
    default:
      throw new Error(`unhandled operator ${e.op}`);
  }
}

/** a % b = a - b * floor(a / b), in a's unit, for a divisor that is positive over its whole range. */
function remainder(a: Exclude<Val, { kind: "error" }>, b: Exclude<Val, { kind: "error" }>, unit: Unit, e: Binary, ctx: HandlerContext): Val {
  if (X.cmp(b.kind === "static" ? b.bounds.lo : X.rat(b.num.range.lo), X.rat(0n)) <= 0) {
    ctx.model.diags.error(
      "R004",
      e.right.span,
      "the divisor of % must be positive over its whole range",
      "use a positive constant, or max(x, 1) for a value that may be 0 or negative",
    );
    return ERROR;
  }
  if (a.kind === "static" && b.kind === "static") {
    const floorOf = { kind: "unary" as const, op: "floor" as const, a: { kind: "binary" as const, op: "div" as const, a: a.expr, b: b.expr } };
    const expr: DerivedExpr = { kind: "binary", op: "sub", a: a.expr, b: { kind: "binary", op: "mul", a: b.expr, b: floorOf } };
    return staticVal(expr, unit, false, ctx.model.text(e.span), e.span, ctx.model);
  }
  const [x, y] = operands(a, b, "add", e, ctx);
  return numVal(ctx.b.mod(x, y, e.span), unit);
}

/** Both operands as per-event values; a parameter-only side gets a precision that suits the other. */
function operands(
  a: Val,
  b: Val,
  op: "add" | "mul",
  e: Extract<A.Expr, { kind: "binary" }>,
  ctx: HandlerContext,
): [Num, Num] {
  if (a.kind === "num") return [a.num, asNumBeside(b, a.num, op, ctx, e.right.span)!];
  if (b.kind === "num") return [asNumBeside(a, b.num, op, ctx, e.left.span)!, b.num];
  return [asNum(a, ctx, e.left.span)!, asNum(b, ctx, e.right.span)!];
}

/**
 * Fraction bits of a product: exact (the sum of the operands') when that is at most 32 and the result
 * fits 53 bits; otherwise as many as fit, but never fewer than the finer operand's. Rounded down.
 */
export function productFrac(a: Num, b: Num): number {
  const exact = a.frac + b.frac;
  const finer = Math.max(a.frac, b.frac);
  const product = a.id === b.id ? squareI(a.range) : mulI(a.range, b.range);
  return Math.max(finer, Math.min(exact, 32, 53 - bitsFor(product) + exact));
}

/** Division by a constant 2^k only moves the binary point: exact and free. */
function powerOfTwo(e: DerivedExpr): number | undefined {
  if (e.kind !== "const" || e.den !== 1n || e.num <= 0n) return undefined;
  const k = e.num.toString(2).length - 1;
  return 1n << BigInt(k) === e.num ? k : undefined;
}

function compare(
  pred: "lt" | "le" | "gt" | "ge" | "eq" | "ne",
  a: Exclude<Val, { kind: "error" }>,
  b: Exclude<Val, { kind: "error" }>,
  e: Extract<A.Expr, { kind: "binary" }>,
  ctx: HandlerContext,
): Val {
  if (a.kind === "static" && b.kind === "static") {
    const expr: DerivedExpr =
      pred === "gt"
        ? { kind: "binary", op: "lt", a: b.expr, b: a.expr }
        : pred === "ge"
          ? { kind: "binary", op: "le", a: b.expr, b: a.expr }
          : { kind: "binary", op: pred, a: a.expr, b: b.expr };
    return staticVal(expr, NONE, true, ctx.model.text(e.span), e.span, ctx.model);
  }
  const [x, y] = operands(a, b, "add", e, ctx);
  return numVal(ctx.b.cmp(pred, x, y, e.span), NONE, true);
}
