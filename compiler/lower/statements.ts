import type * as A from "../../language/ast.js";
import type { Span } from "../../language/span.js";
import * as X from "../exact-math.js";
import { contains, formatInterval, iv } from "../interval.js";
import type { Interval } from "../ir.js";
import { constantValue } from "./constants.js";
import type { Num } from "../ir-builder.js";
import { isNone, NONE, PRICE, QTY, sameUnit, showUnit, TIME, type Unit } from "../units.js";
import { integerRange, resolveType, TIME_MAX, type TypeInfo } from "./declarations.js";
import { lowerExpr, numVal, requireBool } from "./expr.js";
import type { HandlerContext } from "./handler-context.js";
import { cancelQuotes, heldSlots, mergeQuoteBranches } from "./held-quotes.js";
import { guardQuote, ON_UNSAFE, type OnUnsafe } from "./quote-guard.js";
import { asNum, declareDerived, staticVal } from "./materialize.js";
import type { Val } from "./values.js";

export function lowerBlock(stmts: readonly A.Stmt[], ctx: HandlerContext): void {
  ctx.scopes.push(new Map());
  for (const s of stmts) lowerStmt(s, ctx);
  ctx.scopes.pop();
}

function lowerStmt(s: A.Stmt, ctx: HandlerContext): void {
  switch (s.kind) {
    case "let":
      return lowerLet(s, ctx);
    case "assign":
      return lowerAssign(s, ctx);
    case "quote":
      return lowerQuote(s, ctx);
    case "if":
      return lowerIf(s, ctx);
    case "for":
      return lowerFor(s, ctx);
    case "timer":
      return lowerTimer(s, ctx);
    case "cancel":
      return cancelQuotes(s.span, ctx);
    default: {
      const never: never = s;
      throw new Error(`unknown statement ${JSON.stringify(never)}`);
    }
  }
}

/** `sat(e)` is only meaningful where a target type exists; unwrap it and remember. */
function unwrapSat(e: A.Expr): { expr: A.Expr; sat: boolean } {
  if (e.kind === "call" && e.callee.name === "sat" && e.args.length === 1 && !e.args[0].name)
    return { expr: e.args[0].value, sat: true };
  return { expr: e, sat: false };
}

function lowerLet(s: Extract<A.Stmt, { kind: "let" }>, ctx: HandlerContext): void {
  const scope = ctx.scopes[ctx.scopes.length - 1];

  if (scope.has(s.name.name)) {
    ctx.model.diags.error(
      "N002",
      s.name.span,
      `'${s.name.name}' is already defined in this block`,
      "pick another name",
    );
    return;
  }
  const { expr, sat } = unwrapSat(s.value);
  const v = lowerExpr(expr, ctx);
  if (v.kind === "error") {
    scope.set(s.name.name, v);
    return;
  }
  if (!s.type) {
    if (sat)
      ctx.model.diags.error("N004", s.value.span, "sat(...) needs a target type", "write let x : fix<I.F> = sat(...)");
    noteLet(scope, s.name.name, undefined, ctx);
    scope.set(s.name.name, v);
    return;
  }
  const type = resolveType(s.type, ctx.model.instrument, ctx.model.diags);
  noteLet(scope, s.name.name, type, ctx);
  if (type && v.kind === "static" && !v.bool && v.expr.kind !== "const") {
    if (!sameUnit(v.unit, type.unit)) {
      ctx.model.diags.error("U001", s.value.span, `'${s.name.name}' holds ${showUnit(type.unit)}, but this is ${showUnit(v.unit)}`, "convert with price(x), qty(x) or value(x) where you mean it");
      scope.set(s.name.name, { kind: "error" });
      return;
    }
    scope.set(s.name.name, declareDerived(v, type.frac, type.format, s.name.name, s.span, ctx.model));
    return;
  }
  const num = type && convert(v, type, sat, s.value.span, ctx, `'${s.name.name}'`);
  scope.set(s.name.name, num ? numVal(num, type!.unit, v.bool) : { kind: "error" });
}

/**
 * Converts a value into a declared type: to its fraction bits (half-even when dropping bits) and into
 * its range, which must be proven, or enforced by an explicit sat(...).
 */
export function convert(
  v: Val,
  type: TypeInfo,
  sat: boolean,
  span: Span,
  ctx: HandlerContext,
  what: string,
  range = type.format,
): Num | undefined {
  if (v.kind === "error") return undefined;
  const isConst = v.kind === "static" && v.expr.kind === "const";
  if (!isConst && !sameUnit(v.unit, type.unit)) {
    ctx.model.diags.error(
      "U001",
      span,
      `${what} holds ${showUnit(type.unit)}, but this is ${showUnit(v.unit)}`,
      "convert with price(x), qty(x) or value(x) where you mean it",
    );
    return undefined;
  }
  const num = asNum(v, ctx, span);
  if (!num) return undefined;
  const scaled = ctx.b.rescale(num, type.frac, "half_even", span);
  if (contains(range, scaled.range)) return scaled;
  if (sat) return ctx.b.clamp(scaled, range.lo, range.hi, span);
  ctx.model.diags.error(
    "R003",
    span,
    `this value may leave the range of ${what}: it lies in ${formatInterval(scaled.range, type.frac)}, ${what} holds ${formatInterval(range, type.frac)}`,
    "wrap the value in sat(...) to saturate it, or widen the declared range",
  );
  return undefined;
}

/** timer_deadline = now + delay, saturated at the end of time; `on timer` runs once now reaches it. */
function lowerTimer(s: Extract<A.Stmt, { kind: "timer" }>, ctx: HandlerContext): void {
  const slot = ctx.globals.states.get("timer_deadline")!;
  const v = lowerExpr(s.delay, ctx);
  if (v.kind === "error") return;
  if (v.bool || !sameUnit(v.unit, TIME)) {
    ctx.model.diags.error("U001", s.delay.span, `a timer's delay is a duration, found ${showUnit(v.unit)}`, "write e.g. timer after 250ms");
    return;
  }
  const delay = asNum(v, ctx, s.delay.span)!;
  if (delay.range.lo < 0n) {
    ctx.model.diags.error("R006", s.delay.span, "a timer's delay may be negative here", "use max(d, 0ns) or a positive duration");
    return;
  }
  const now = asNum(ctx.fields.get("now")!, ctx, s.span)!;
  // at least 1: a deadline of 0 means "not armed"
  const due = ctx.b.add(now, ctx.b.rescale(delay, 0, "ceil", s.span), s.span);
  const at = ctx.b.clamp(due, 1n, TIME_MAX, s.span);
  ctx.writeState(slot, at);
}

function noteLet(scope: Map<string, Val>, name: string, type: TypeInfo | undefined, ctx: HandlerContext): void {
  const lets = ctx.lets.get(scope) ?? new Map<string, TypeInfo | undefined>();
  ctx.lets.set(scope, lets.set(name, type));
}

/** `x = e` for a `let x` of an enclosing block: the new value replaces it from here on (an `if` merges both). */
function reassignLet(s: Extract<A.Stmt, { kind: "assign" }>, scope: Map<string, Val>, ctx: HandlerContext): void {
  const name = s.target.name;
  const old = scope.get(name)!;
  const { expr, sat } = unwrapSat(s.value);
  const v = lowerExpr(expr, ctx);
  if (v.kind === "error" || old.kind === "error") return;
  const type = ctx.lets.get(scope)!.get(name);
  if (type) {
    const num = convert(v, type, sat, s.value.span, ctx, `'${name}'`);
    if (num) scope.set(name, numVal(num, type.unit, v.bool));
    return;
  }
  if (!sameUnit(v.unit, old.unit) || v.bool !== old.bool) {
    ctx.model.diags.error(
      "U001",
      s.value.span,
      `'${name}' holds ${old.bool ? "a condition" : showUnit(old.unit)}, but this is ${v.bool ? "a condition" : showUnit(v.unit)}`,
      "a let keeps its unit when reassigned; convert with price(x), qty(x) or value(x), or use another let",
    );
    return;
  }
  scope.set(name, v);
}

function lowerAssign(s: Extract<A.Stmt, { kind: "assign" }>, ctx: HandlerContext): void {
  const local = [...ctx.scopes].reverse().find((sc) => sc.has(s.target.name));
  if (local && ctx.lets.get(local)?.has(s.target.name)) return reassignLet(s, local, ctx);
  if (local) {
    ctx.model.diags.error("N007", s.target.span, `cannot assign to '${s.target.name}': it is a loop variable`, "use a let in the loop body");
    return;
  }
  const slot = ctx.globals.states.get(s.target.name);
  if (
    slot === undefined ||
    ctx.model.builtinStates.has(s.target.name) ||
    ctx.model.primitiveStates.has(s.target.name)
  ) {
    const why = slot === undefined ? "is not a state" : "is updated by Lockstep itself";
    ctx.model.diags.error(
      "N007",
      s.target.span,
      `cannot assign to '${s.target.name}': it ${why}`,
      "declare `state name : T = init` in the strategy and assign to that, or use let for a local value",
    );
    return;
  }
  const st = ctx.model.state[slot];
  const { expr, sat } = unwrapSat(s.value);
  const v = lowerExpr(expr, ctx);
  const type: TypeInfo = { frac: st.frac, unit: ctx.model.stateUnits.get(slot)!, format: st.range, name: st.name };
  const num = convert(v, type, sat, s.value.span, ctx, `state '${st.name}'`);
  if (num) ctx.writeState(slot, num);
}

function noteQuoteBudget(within: NonNullable<Extract<A.Stmt, { kind: "quote" }>["within"]>, ctx: HandlerContext): void {
  const ticks = Number(within.ticks.replace(/_/g, ""));
  if (within.unit !== "tick" && within.unit !== "ticks") {
    ctx.model.diags.error("N015", within.span, `a quote's accuracy is in ticks, not '${within.unit}'`, "write e.g. within 1 tick");
    return;
  }
  if (!(ticks > 0)) {
    ctx.model.diags.error("N015", within.span, "a quote's accuracy must be more than 0 ticks", "write e.g. within 1 tick");
    return;
  }
  const budget = ctx.model.quoteBudget;
  if (!budget || ticks < budget.ticks) ctx.model.quoteBudget = { ticks, loc: ctx.model.loc(within.span) };
}

function lowerQuote(s: Extract<A.Stmt, { kind: "quote" }>, ctx: HandlerContext): void {
  if (ctx.event === "order" || ctx.event === "kill") {
    ctx.model.diags.error(
      "N009",
      s.span,
      `a strategy cannot quote on ${ctx.event} events`,
      "quote on book, trade, fill or timer",
    );
    return;
  }
  if (s.within) noteQuoteBudget(s.within, ctx);
  const given = new Map<string, A.Arg>();
  for (const f of s.fields) {
    const name = f.name?.name;
    if (!name || !["bid", "ask", "qty", "bid_qty", "ask_qty", "level"].includes(name) || given.has(name)) {
      ctx.model.diags.error(
        "N010",
        f.span,
        name ? `unexpected or repeated quote field '${name}'` : "quote fields are named",
        "write quote bid = ..., ask = ..., qty = ... (or bid_qty = ..., ask_qty = ...)",
      );
      return;
    }
    given.set(name, f);
  }
  const need = (n: string, fallback?: string) => given.get(n) ?? (fallback ? given.get(fallback) : undefined);
  const parts = { bid: need("bid"), ask: need("ask"), bidQty: need("bid_qty", "qty"), askQty: need("ask_qty", "qty") };
  for (const [k, arg] of Object.entries(parts)) {
    if (!arg) {
      ctx.model.diags.error(
        "N010",
        s.span,
        `the quote has no ${k === "bid" || k === "ask" ? k : "qty"}`,
        "write quote bid = ..., ask = ..., qty = ...",
      );
      return;
    }
  }
  const field = (arg: A.Arg, unit: Unit, what: string) =>
    wholeValue(lowerExpr(arg.value, ctx), unit, arg.value.span, ctx, what);
  const bid = field(parts.bid!, PRICE, "the bid");
  const ask = field(parts.ask!, PRICE, "the ask");
  const bidQty = field(parts.bidQty!, QTY, "the quantity");
  const askQty = parts.askQty === parts.bidQty ? bidQty : field(parts.askQty!, QTY, "the quantity");
  const level = quoteLevel(given.get("level"), ctx);
  const onUnsafe = quoteOnUnsafe(s.otherwise, ctx);
  if (!bid || !ask || !bidQty || !askQty || level === undefined || !onUnsafe) return;
  heldSlots(level, ctx.model);
  ctx.quotes.set(level, guardQuote({ bid, ask, bidQty, askQty }, onUnsafe, s.span, ctx));
}

/** `else clamp` or `else cancel`; cancel when the quote says nothing. */
function quoteOnUnsafe(otherwise: A.Ident | undefined, ctx: HandlerContext): OnUnsafe | undefined {
  if (!otherwise) return "cancel";
  const mode = ON_UNSAFE.find((m) => m === otherwise.name);
  if (!mode)
    ctx.model.diags.error(
      "N016",
      otherwise.span,
      `a quote ends in 'else clamp' or 'else cancel', not 'else ${otherwise.name}'`,
      "else clamp moves a price into the instrument's price range and a size into [0, its largest qty]; else cancel (the default) clears quote_valid",
    );
  return mode;
}

/** `level = K`: which quote of a layered maker this is; a constant from 0 to 15, 0 by default. */
function quoteLevel(arg: A.Arg | undefined, ctx: HandlerContext): number | undefined {
  if (!arg) return 0;
  const v = lowerExpr(arg.value, ctx);
  if (v.kind === "static" && v.expr.kind === "const" && v.expr.den === 1n && v.expr.num >= 0n && v.expr.num < BigInt(MAX_LEVELS))
    return Number(v.expr.num);
  if (v.kind !== "error")
    ctx.model.diags.error("N014", arg.value.span, `a quote level must be a whole-number constant from 0 to ${MAX_LEVELS - 1}`, "write level = 0, level = 1, ... or use the variable of a for loop");
  return undefined;
}

/** Quote prices and sizes are whole ticks and lots: the author chooses the rounding. */
function wholeValue(v: Val, unit: Unit, span: Span, ctx: HandlerContext, what: string): Num | undefined {
  if (v.kind === "error" || !requireBool(v, false, span, ctx)) return undefined;
  const isConst = v.kind === "static" && v.expr.kind === "const";
  if (!isConst && !sameUnit(v.unit, unit)) {
    ctx.model.diags.error(
      "U001",
      span,
      `${what} must be in ${showUnit(unit)}, found ${showUnit(v.unit)}`,
      unit === PRICE ? "convert with price(x)" : "convert with qty(x)",
    );
    return undefined;
  }
  const num = asNum(v, ctx, span);
  if (!num) return undefined;
  if (num.frac !== 0) {
    ctx.model.diags.error(
      "U003",
      span,
      `${what} must be a whole number of ${unit === PRICE ? "ticks" : "lots"}; this has ${num.frac} fraction bit${num.frac === 1 ? "" : "s"}`,
      unit === PRICE ? "round it: floor_tick(x) for bids, ceil_tick(x) for asks" : "round it with floor(x)",
    );
    return undefined;
  }
  return num;
}

/** A let reassigned in either branch of an if holds select(cond, then, else) after it. */
function mergeLocal(scope: Map<string, Val>, name: string, cond: Num, a: Val, b: Val, span: Span, ctx: HandlerContext): void {
  if (a === b) return;
  if (a.kind === "error" || b.kind === "error") return void scope.set(name, { kind: "error" });
  const x = asNum(a, ctx, span)!;
  const y = asNum(b, ctx, span)!;
  scope.set(name, numVal(ctx.b.select(cond, x, y, span), a.unit, a.bool));
}

function lowerIf(s: Extract<A.Stmt, { kind: "if" }>, ctx: HandlerContext): void {
  const c = lowerExpr(s.cond, ctx);
  if (!requireBool(c, true, s.cond.span, ctx)) return;
  const cond = asNum(c, ctx, s.cond.span);
  if (!cond) return;
  const before = new Map(ctx.stateNow);
  const quotesBefore = new Map(ctx.quotes);
  const cancelledBefore = ctx.cancelled;
  const locals = ctx.scopes.flatMap((scope) => [...scope].map(([name, v]) => ({ scope, name, v })));
  lowerBlock(s.then, ctx);
  const thenLocals = locals.map((l) => l.scope.get(l.name)!);
  for (const l of locals) l.scope.set(l.name, l.v);
  const thenState = new Map(ctx.stateNow);
  const thenQuotes = { quotes: ctx.quotes, cancelled: ctx.cancelled };
  ctx.stateNow.clear();
  for (const [k, v] of before) ctx.stateNow.set(k, v);
  ctx.quotes = new Map(quotesBefore);
  ctx.cancelled = cancelledBefore;
  lowerBlock(s.otherwise, ctx);
  locals.forEach((l, i) => mergeLocal(l.scope, l.name, cond, thenLocals[i], l.scope.get(l.name)!, s.span, ctx));
  const slots = new Set([...thenState.keys(), ...ctx.stateNow.keys()]);
  for (const slot of slots) {
    const a = thenState.get(slot) ?? ctx.readEventStart(slot, s.span);
    const b = ctx.stateNow.get(slot) ?? ctx.readEventStart(slot, s.span);
    ctx.writeState(slot, ctx.b.select(cond, a, b, s.span));
  }
  mergeQuoteBranches(cond, thenQuotes, { quotes: ctx.quotes, cancelled: ctx.cancelled }, s.span, ctx);
}

const MAX_LEVELS = 16;

/** Unrolls the body once per value of the variable, which is a constant in each copy. */
/**
 * `for k in [lo, hi] { ... }`, unrolled at compile time with k a constant in each copy. A bound may be a
 * parameter expression: the loop unrolls over every value the declared ranges allow, and each copy runs
 * only when lo <= k <= hi holds for the loaded parameters (an if around it).
 */
function lowerFor(s: Extract<A.Stmt, { kind: "for" }>, ctx: HandlerContext): void {
  const constant = constantValue(s.range.lo) && constantValue(s.range.hi);
  const range = constant ? integerRange(s.range, ctx.model.diags) : parameterRange(s.range, ctx);
  if (!range) return;
  if (range.hi - range.lo >= 64n) {
    ctx.model.diags.error("T013", s.range.span, "a for loop is unrolled at compile time and may run at most 64 times", "narrow the range (or the declared ranges of the parameters in its bounds)");
    return;
  }
  const k = { kind: "name" as const, name: s.variable.name, span: s.variable.span };
  const within: A.Expr = {
    kind: "binary",
    op: "and",
    left: { kind: "binary", op: ">=", left: k, right: s.range.lo, span: s.range.span },
    right: { kind: "binary", op: "<=", left: k, right: s.range.hi, span: s.range.span },
    span: s.range.span,
  };
  const body: readonly A.Stmt[] = constant ? s.body : [{ kind: "if", cond: within, then: s.body, otherwise: [], span: s.span }];
  for (let i = range.lo; i <= range.hi; i++) {
    ctx.scopes.push(new Map([[s.variable.name, staticVal({ kind: "const", num: i, den: 1n }, NONE, false, String(i), s.variable.span, ctx.model)]]));
    ctx.model.unrolling.push(`${s.variable.name} = ${i}`);
    lowerBlock(body, ctx);
    ctx.model.unrolling.pop();
    ctx.scopes.pop();
  }
}

/** The widest whole-number range of a loop whose bounds are parameter expressions: floor of the least lo, ceil of the largest hi. */
function parameterRange(r: A.RangeExpr, ctx: HandlerContext): Interval | undefined {
  const lo = lowerExpr(r.lo, ctx);
  const hi = lowerExpr(r.hi, ctx);
  if (lo.kind === "error" || hi.kind === "error") return undefined;
  if (lo.kind !== "static" || hi.kind !== "static" || lo.bool || hi.bool || !isNone(lo.unit) || !isNone(hi.unit)) {
    ctx.model.diags.error(
      "T005",
      r.span,
      "a loop's bounds are whole-number constants or parameter expressions",
      "bound it by a parameter with a declared range, e.g. for k in [0, levels - 1] with levels : int in [1, 8]",
    );
    return undefined;
  }
  return iv(X.floorR(lo.bounds.lo), X.ceilR(hi.bounds.hi));
}
