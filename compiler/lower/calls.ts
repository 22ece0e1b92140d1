import type * as A from "../../language/ast.js";
import type { Span } from "../../language/span.js";
import type { Num } from "../ir-builder.js";
import type { DerivedExpr, DerivedUnary, Rounding } from "../ir.js";
import { LUT_FUNCTIONS, planLut, type LutFunction } from "../lut.js";
import { isNone, NONE, PRICE, QTY, sameUnit, showUnit, TIME, type Unit } from "../units.js";
import { bitsFor } from "../interval.js";
import { lowerExpr, numVal, productFrac, requireBool } from "./expr.js";
import { editDistance } from "./edit-distance.js";
import { isPrimitiveName, ROLLING } from "./primitive-names.js";
import type { HandlerContext } from "./handler-context.js";
import { asNum, staticVal } from "./materialize.js";
import { ERROR, type Val } from "./values.js";

type Call = Extract<A.Expr, { kind: "call" }>;
type Live = Exclude<Val, { kind: "error" }>;

interface FnSpec {
  readonly arity: number;
  readonly named?: readonly string[];
  readonly lower: (args: Live[], call: Call, ctx: HandlerContext) => Val;
}

/** Functions that only make sense in one place, reported with where they belong. */
const PLACED: Record<string, string> = {
  ewma: "ewma(...) declares a state: write `state name = ewma(x, halflife = N)` in a strategy",
  vamp: "vamp(...) declares a state: write `state name = vamp(window = N)` in a strategy",
  ...Object.fromEntries(ROLLING.map((r) => [r, `${r}(...) declares a state: write \`state name = ${r}(x, last = N)\` in a strategy`])),
  sat: "sat(...) saturates a value into the type it is assigned to: use it as `x = sat(...)` or `let x : T = sat(...)`",
};

export const isKnownFunction = (name: string) => name in FUNCTIONS || name === "log_return" || isPrimitiveName(name);

/** "did you mean" by edit distance, then the whole list: the per-expression functions and the state primitives. */
export function unknownFunctionHint(name: string, fns: Iterable<string> = []): string {
  const own = [...fns].sort();
  const known = [...Object.keys(FUNCTIONS), "log_return", "ewma", "vamp", ...ROLLING].sort();
  const near = [...own, ...known].filter((k) => editDistance(k, name) <= Math.max(1, Math.floor(name.length / 3)));
  return `${near.length ? `did you mean ${near.map((k) => `'${k}'`).join(" or ")}? ` : ""}${own.length ? `this strategy's fns: ${own.join(", ")}; ` : ""}known functions: ${known.join(", ")}`;
}

export function lowerCall(call: Call, ctx: HandlerContext): Val {
  const name = call.callee.name;
  if (name === "log_return") return lowerLogReturnCall(call, ctx);
  const fn = ctx.globals.fns.get(name);
  if (fn) return inlineFn(fn, call, ctx);
  const spec = FUNCTIONS[name];
  if (!spec) {
    const where = PLACED[name];
    ctx.model.diags.error(
      where ? "N004" : "N003",
      call.callee.span,
      where ? `${name}(...) cannot be used here` : `unknown function '${name}'`,
      where ?? unknownFunctionHint(name, ctx.globals.fns.keys()),
    );
    return ERROR;
  }
  if (!checkArity(call, spec.arity, ctx)) return ERROR;
  const args = call.args.map((a) => lowerExpr(a.value, ctx));
  if (args.some((a) => a.kind === "error")) return ERROR;
  for (let i = 0; i < args.length; i++)
    if (!requireBool(args[i], name === "select" && i === 0, call.args[i].value.span, ctx)) return ERROR;
  return spec.lower(args as Live[], call, ctx);
}

/**
 * A user fn: its body lowered with its parameters bound to the arguments' values, in a scope of its own
 * (it sees states, parameters and event names, not the caller's lets). Units follow the arguments.
 */
function inlineFn(fn: A.FnDecl, call: Call, ctx: HandlerContext): Val {
  if (ctx.inlining.includes(fn.name.name)) {
    ctx.model.diags.error(
      "N017",
      call.callee.span,
      `'${fn.name.name}' calls itself (${[...ctx.inlining.slice(ctx.inlining.indexOf(fn.name.name)), fn.name.name].join(" -> ")})`,
      "a fn is inlined at each call, so it cannot recurse; unroll it with for, or write the cases out",
    );
    return ERROR;
  }
  const named = call.args.find((a) => a.name);
  if (named || call.args.length !== fn.params.length) {
    ctx.model.diags.error(
      "N005",
      named?.span ?? call.span,
      named ? `${fn.name.name}(...) takes its arguments by position` : `${fn.name.name}(...) takes ${fn.params.length} argument${fn.params.length === 1 ? "" : "s"}, got ${call.args.length}`,
      `write ${fn.name.name}(${fn.params.map((p) => p.name).join(", ")})`,
    );
    return ERROR;
  }
  const args = call.args.map((a) => lowerExpr(a.value, ctx));
  if (args.some((a) => a.kind === "error")) return ERROR;
  const outer = ctx.scopes;
  // the caller's `position` (the risk block's is the exact register, the strategy's the clamped view)
  const position = ctx.lookupLocal("position");
  ctx.scopes = [new Map([...(position ? [["position", position] as const] : []), ...fn.params.map((p, i) => [p.name, args[i]] as const)])];
  ctx.inlining.push(fn.name.name);
  try {
    return lowerExpr(fn.body, ctx);
  } finally {
    ctx.inlining.pop();
    ctx.scopes = outer;
  }
}

export function checkArity(call: Call, arity: number, ctx: HandlerContext): boolean {
  const named = call.args.find((a) => a.name);
  if (named?.name) {
    ctx.model.diags.error(
      "N005",
      named.name.span,
      `${call.callee.name}(...) takes no named argument '${named.name.name}'`,
      "pass the arguments by position",
    );
    return false;
  }
  if (call.args.length === arity) return true;
  ctx.model.diags.error(
    "N005",
    call.span,
    `${call.callee.name}(...) takes ${arity} argument${arity === 1 ? "" : "s"}, found ${call.args.length}`,
    `write ${call.callee.name}(${["x", "y", "z"].slice(0, arity).join(", ")})`,
  );
  return false;
}

const text = (call: Call, ctx: HandlerContext) => ctx.model.text(call.span);

/** A parameter-only result of a call, named by the call's source text. */
const staticOf = (expr: DerivedExpr, unit: Unit, call: Call, ctx: HandlerContext): Val =>
  staticVal(expr, unit, false, text(call, ctx), call.span, ctx.model);

function sameUnits(args: Live[], call: Call, ctx: HandlerContext): Unit | undefined {
  const consts = (v: Live) => v.kind === "static" && v.expr.kind === "const" && isNone(v.unit);
  const ref = args.find((a) => !consts(a))?.unit ?? NONE;
  for (let i = 0; i < args.length; i++) {
    if (!consts(args[i]) && !sameUnit(args[i].unit, ref)) {
      ctx.model.diags.error(
        "U001",
        call.args[i].value.span,
        `${call.callee.name}(...) needs arguments of one unit: this is ${showUnit(args[i].unit)}, the others ${showUnit(ref)}`,
        "convert with price(x), qty(x) or value(x) where you mean it",
      );
      return undefined;
    }
  }
  return ref;
}

function requireUnit(v: Live, unit: Unit, span: Span, what: string, ctx: HandlerContext): boolean {
  if (sameUnit(v.unit, unit)) return true;
  // price(position * skew): the value of lots (or ticks) is what a cast wants, and value() gives it
  const text = ctx.model.text(span);
  const hint = isNone(unit) && (v.unit.qty !== 0 || v.unit.price !== 0)
    ? `value(...) takes the plain number out of ${showUnit(v.unit)}: write ${what.replace("(...)", `(value(${text}))`)}`
    : "convert with price(x), qty(x), value(x) or seconds(d)";
  ctx.model.diags.error("U001", span, `${what} needs ${showUnit(unit)}, found ${showUnit(v.unit)}`, hint);
  return false;
}

function minMax(op: "min" | "max"): FnSpec {
  return {
    arity: 2,
    lower: ([a, b], call, ctx) => {
      const unit = sameUnits([a, b], call, ctx);
      if (!unit) return ERROR;
      if (a.kind === "static" && b.kind === "static")
        return staticOf({ kind: "binary", op, a: a.expr, b: b.expr }, unit, call, ctx);
      const x = asNum(a, ctx, call.args[0].value.span)!;
      const y = asNum(b, ctx, call.args[1].value.span)!;
      return numVal(op === "min" ? ctx.b.min(x, y, call.span) : ctx.b.max(x, y, call.span), unit);
    },
  };
}

function rounding(op: "floor" | "ceil", mode: Rounding, unit?: Unit): FnSpec {
  return {
    arity: 1,
    lower: ([a], call, ctx) => {
      if (unit && !requireUnit(a, unit, call.args[0].value.span, `${call.callee.name}(...)`, ctx)) return ERROR;
      if (a.kind === "static" && mode !== "half_even")
        return staticOf({ kind: "unary", op, a: a.expr }, a.unit, call, ctx);
      const x = asNum(a, ctx, call.args[0].value.span)!;
      return numVal(ctx.b.authorRound(x, 0, mode, call.span), a.unit);
    },
  };
}

function transcendental(op: "ln" | "exp" | "sqrt"): FnSpec {
  return {
    arity: 1,
    lower: ([a], call, ctx) => {
      if (!requireUnit(a, NONE, call.args[0].value.span, `${op}(...)`, ctx)) return ERROR;
      if (a.kind === "static") return staticOf({ kind: "unary", op: op as DerivedUnary, a: a.expr }, NONE, call, ctx);
      return lutCall(LUT_FUNCTIONS[op], a.num, call.span, ctx);
    },
  };
}

function unitCast(from: Unit | undefined, to: Unit, name: string): FnSpec {
  return {
    arity: 1,
    lower: ([a], call, ctx) => {
      if (from && !requireUnit(a, from, call.args[0].value.span, `${name}(...)`, ctx)) return ERROR;
      return { ...a, unit: to } as Val;
    },
  };
}

const FUNCTIONS: Record<string, FnSpec> = {
  min: minMax("min"),
  max: minMax("max"),
  abs: {
    arity: 1,
    lower: ([a], call, ctx) =>
      a.kind === "static"
        ? staticOf({ kind: "unary", op: "abs", a: a.expr }, a.unit, call, ctx)
        : numVal(ctx.b.abs(a.num, call.span), a.unit),
  },
  clamp: {
    arity: 3,
    lower: (args, call, ctx) => {
      const unit = sameUnits(args, call, ctx);
      if (!unit) return ERROR;
      if (args.every((a) => a.kind === "static")) {
        const [x, lo, hi] = args.map((a) => (a as Extract<Val, { kind: "static" }>).expr);
        const inner = { kind: "binary" as const, op: "min" as const, a: x, b: hi };
        return staticOf({ kind: "binary", op: "max", a: inner, b: lo }, unit, call, ctx);
      }
      const [x, lo, hi] = args.map((a, i) => asNum(a, ctx, call.args[i].value.span)!);
      return numVal(ctx.b.max(ctx.b.min(x, hi, call.span), lo, call.span), unit);
    },
  },
  select: {
    arity: 3,
    lower: (args, call, ctx) => lowerSelect(args, call, ctx),
  },
  sq: {
    arity: 1,
    lower: ([a], call, ctx) => {
      const unit = { price: a.unit.price * 2, qty: a.unit.qty * 2, time: a.unit.time * 2 };
      if (a.kind === "static") return staticOf({ kind: "binary", op: "mul", a: a.expr, b: a.expr }, unit, call, ctx);
      return numVal(ctx.b.mul(a.num, a.num, call.span, productFrac(a.num, a.num)), unit);
    },
  },
  floor: rounding("floor", "floor"),
  ceil: rounding("ceil", "ceil"),
  round: rounding("floor", "half_even"),
  floor_tick: rounding("floor", "floor", PRICE),
  ceil_tick: rounding("ceil", "ceil", PRICE),
  ln: transcendental("ln"),
  exp: transcendental("exp"),
  sqrt: transcendental("sqrt"),
  pow: {
    arity: 2,
    lower: ([a, b], call, ctx) => {
      if (a.kind !== "static" || b.kind !== "static") {
        ctx.model.diags.error(
          "N006",
          call.span,
          "pow(...) is only available on parameters and constants",
          "compute the power from parameters, or use exp(y * ln(x))",
        );
        return ERROR;
      }
      if (!requireUnit(a, NONE, call.args[0].value.span, "pow(...)", ctx)) return ERROR;
      return staticOf({ kind: "binary", op: "pow", a: a.expr, b: b.expr }, NONE, call, ctx);
    },
  },
  price: unitCast(NONE, PRICE, "price"),
  qty: unitCast(NONE, QTY, "qty"),
  value: unitCast(undefined, NONE, "value"),
  seconds: {
    arity: 1,
    lower: ([a], call, ctx) => {
      if (!requireUnit(a, TIME, call.args[0].value.span, "seconds(...)", ctx)) return ERROR;
      const ns = { kind: "const" as const, num: 1_000_000_000n, den: 1n };
      if (a.kind === "static") return staticOf({ kind: "binary", op: "div", a: a.expr, b: ns }, NONE, call, ctx);
      const d = a.num;
      const frac = Math.max(0, Math.min(32, 52 - bitsFor(d.range) + d.frac));
      return numVal(ctx.b.div(d, ctx.b.constant(1_000_000_000n, 0, call.span), frac, call.span), NONE);
    },
  },
  remaining: {
    arity: 1,
    lower: ([h], call, ctx) => {
      if (!requireUnit(h, TIME, call.args[0].value.span, "remaining(...)", ctx)) return ERROR;
      const horizon = asNum(h, ctx, call.args[0].value.span)!;
      if (horizon.range.lo <= 0n) {
        ctx.model.diags.error(
          "R004",
          call.args[0].value.span,
          "the horizon may be zero",
          "declare the duration parameter with a positive range, e.g. in [1s, 1h]",
        );
        return ERROR;
      }
      const now = asNum(ctx.fields.get("now")!, ctx, call.span)!;
      return numVal(ctx.b.sub(horizon, ctx.b.mod(now, horizon, call.span), call.span), TIME);
    },
  },
  precision: {
    arity: 2,
    lower: ([a, f], call, ctx) => {
      const frac = f.kind === "static" && f.expr.kind === "const" && f.expr.den === 1n ? Number(f.expr.num) : -1;
      if (frac < 0 || frac > 52) {
        ctx.model.diags.error(
          "T012",
          call.args[1].value.span,
          "precision(x, F) needs a whole number of fraction bits F from 0 to 52",
          "write e.g. precision(x, 16)",
        );
        return ERROR;
      }
      const x = asNum(a, ctx, call.args[0].value.span)!;
      return numVal(ctx.b.rescale(x, frac, "half_even", call.span), a.unit);
    },
  },
  weighted_mid: {
    arity: 0,
    lower: (_args, call, ctx) => lowerWeightedMid(call, ctx),
  },
};

/** select(cond, a, b): a when cond holds, else b; both are computed, as in hardware. */
function lowerSelect(args: Live[], call: Call, ctx: HandlerContext): Val {
  const [c, a, b] = args;
  const unit = sameUnits([a, b], call, ctx);
  if (!unit) return ERROR;
  if (c.kind === "static" && a.kind === "static" && b.kind === "static") {
    // cond * a + (1 - cond) * b, exact on rationals
    const one = { kind: "const" as const, num: 1n, den: 1n };
    const pickA = { kind: "binary" as const, op: "mul" as const, a: c.expr, b: a.expr };
    const pickB = {
      kind: "binary" as const,
      op: "mul" as const,
      a: { kind: "binary" as const, op: "sub" as const, a: one, b: c.expr },
      b: b.expr,
    };
    return staticOf({ kind: "binary", op: "add", a: pickA, b: pickB }, unit, call, ctx);
  }
  const [cn, an, bn] = args.map((v, i) => asNum(v, ctx, call.args[i].value.span)!);
  return numVal(ctx.b.select(cn, an, bn, call.span), unit);
}

/**
 * Per-event transcendental: table lookup at the index, linear interpolation to the next sample. The
 * interpolant lies between two table values, which the final clamp tells range analysis.
 */
export function lutCall(fn: LutFunction, x: Num, span: Span, ctx: HandlerContext): Val {
  const { b, model } = ctx;
  if (fn.name === "ln" && x.range.lo <= 0n) {
    model.diags.error(
      "R005",
      span,
      "ln needs a positive argument; this one may be zero or negative",
      "clamp it first, e.g. ln(max(x, 0.0001))",
    );
    return ERROR;
  }
  if (fn.name === "sqrt" && x.range.lo < 0n) {
    model.diags.error("R005", span, "sqrt needs a non-negative argument", "clamp it first, e.g. sqrt(max(x, 0))");
    return ERROR;
  }
  if (fn.name === "exp" && Number(x.range.hi) / 2 ** x.frac > 20) {
    model.diags.error(
      "R001",
      span,
      "exp of a value that may exceed 20 does not fit 53 bits",
      "clamp the argument, e.g. exp(min(x, 20))",
    );
    return ERROR;
  }
  const plan = planLut(fn, x.range, x.frac);
  const key = `${fn.name}/${x.frac}/${x.range.lo}/${x.range.hi}`;
  let table = model.lutByKey.get(key);
  if (table === undefined) {
    table = model.luts.length;
    model.luts.push({ ...plan.lut, name: `${fn.name}_${table}` });
    model.lutByKey.set(key, table);
    model.notes.push({
      loc: model.loc(span),
      message: `${plan.lut.description}: max error ${plan.lut.maxError.toExponential(2)}`,
    });
  }
  const offset = b.sub(x, b.constant(plan.base, x.frac, span), span);
  const raw = { id: offset.id, frac: 0, range: offset.range };
  const idx = plan.shift === 0 ? raw : b.shiftRight(raw, plan.shift, span);
  const y0 = b.lut(table, idx, plan.lut.frac, plan.outRange, span);
  if (plan.shift === 0) {
    b.tableFunction(y0, fn.name, x);
    return numVal(y0, NONE);
  }
  const y1 = b.lut(table, b.add(idx, b.constant(1n, 0, span), span), plan.lut.frac, plan.outRange, span);
  const within = b.clamp(
    b.sub(raw, b.shiftLeft(idx, plan.shift, span), span),
    0n,
    (1n << BigInt(plan.shift)) - 1n,
    span,
  );
  const slope = b.sub(y1, y0, span);
  // a finely sampled input (a price ratio at 2^-49) spans more than 30 bits per segment: the position
  // within the segment keeps 30 of them, so that slope * position fits 64 bits
  const kept = Math.min(plan.shift, WITHIN_BITS);
  const position = kept < plan.shift ? b.shiftRight(within, plan.shift - kept, span) : within;
  const step = b.mul({ ...slope, frac: kept }, position, span, 0, "half_even");
  const y = b.add(y0, { ...step, frac: plan.lut.frac }, span);
  const result = b.clamp(y, plan.outRange.lo, plan.outRange.hi, span);
  b.tableFunction(result, fn.name, x);
  return numVal(result, NONE);
}

const WITHIN_BITS = 30;

function lowerWeightedMid(call: Call, ctx: HandlerContext): Val {
  const { b } = ctx;
  const read = (n: string) => ctx.readState(ctx.globals.states.get(n)!, call.span);
  const [bid, ask, bq, aq] = [read("bid"), read("ask"), read("bid_qty"), read("ask_qty")];
  const total = b.add(bq, aq, call.span);
  const num = b.add(b.mul(bid, aq, call.span), b.mul(ask, bq, call.span), call.span);
  const safe = b.max(total, b.constant(1n, 0, call.span), call.span);
  const frac = Math.max(0, Math.min(16, 52 - bitsFor(num.range)));
  // a weighted average of bid and ask lies between them: the clamp tells range analysis so
  const hi = ctx.model.instrument.price.hi << BigInt(frac);
  const wm = b.clamp(b.div(num, safe, frac, call.span), 0n, hi, call.span);
  const mid = { ...b.add(bid, ask, call.span), frac: 1 };
  const empty = b.cmp("eq", total, b.constant(0n, 0, call.span), call.span);
  return numVal(b.select(empty, mid, wm, call.span), PRICE);
}

/**
 * log_return(x): ln(x / x_prev) on the event that updates x, 0 on the first. The ratio is clamped to
 * [15/16, 17/16] (a 6% move in one event saturates) so that ln's table stays short and accurate.
 */
function lowerLogReturnCall(call: Call, ctx: HandlerContext): Val {
  if (!checkArity(call, 1, ctx)) return ERROR;
  const v = lowerExpr(call.args[0].value, ctx);
  if (v.kind === "error") return ERROR;
  if (v.kind === "static" || v.bool) {
    ctx.model.diags.error(
      "N006",
      call.args[0].value.span,
      "log_return(...) needs a value that changes per event, such as mid",
      "pass a market value, e.g. log_return(mid)",
    );
    return ERROR;
  }
  const { b, model } = ctx;
  const x = v.num;
  if (x.range.lo <= 0n) {
    model.diags.error(
      "R005",
      call.args[0].value.span,
      "log_return needs a positive value",
      "returns are defined for prices, which are at least 1 tick",
    );
    return ERROR;
  }
  const slot = model.addState(
    {
      name: `prev_${model.state.length}`,
      frac: x.frac,
      range: { lo: 0n, hi: x.range.hi },
      init: 0n,
      loc: model.loc(call.span),
    },
    v.unit,
  );
  const prev = ctx.readState(slot, call.span);
  ctx.writeState(slot, x);
  const safePrev = b.max(prev, b.constant(x.range.lo, x.frac, call.span), call.span);
  const ln = lutCall(LUT_FUNCTIONS.ln, priceRatio(x, safePrev, call.span, ctx), call.span, ctx);
  if (ln.kind !== "num") return ERROR;
  const first = b.cmp("eq", prev, b.constant(0n, x.frac, call.span), call.span);
  return numVal(b.select(first, b.constant(0n, ln.num.frac, call.span), ln.num, call.span), NONE);
}

/**
 * x / prev, clamped to [15/16, 17/16], rounded to nearest at about 2^-49. A one-tick move of a price of
 * 10^7 ticks is a ratio of 1 + 10^-7: a 24-bit quotient (what one 53-bit division allows) rounds it by
 * up to 40 %, and a floor does so in one direction only, so the volatility of an uptrend came out smaller
 * than that of a downtrend. Two 53-bit divisions make one long one: x - prev = q1 * prev / 2^k1 + rem,
 * then rem / prev to k2 more bits.
 */
function priceRatio(x: Num, prev: Num, span: Span, ctx: HandlerContext): Num {
  const { b } = ctx;
  const diff = b.sub(x, prev, span);
  const k1 = 52 - bitsFor(diff.range);
  const q1 = b.div(diff, prev, k1, span, true);
  // one unit wider below than the 15/16 bound, so that the final clamp is the one that saturates a fall
  const sixteenth = 1n << BigInt(k1 - 4);
  const q1c = b.clamp(q1, -sixteenth - 1n, sixteenth, span);
  const rem = b.mod(b.shiftLeft(diff, k1, span), prev, span);
  const k2 = 52 - bitsFor(rem.range);
  // rem < prev, so rem * 2^k2 / prev < 2^k2: the clamp tells range analysis so
  const q2 = b.clamp(b.div(rem, prev, k2, span), 0n, (1n << BigInt(k2)) - 1n, span);
  const whole = b.shiftLeft({ ...q1c, frac: k1 + k2 }, k2, span);
  const saturated = b.cmp("ne", q1, q1c, span);
  const u = b.select(saturated, whole, b.add(whole, { ...q2, frac: k1 + k2 }, span), span);
  const one = b.constant(1n << BigInt(k1 + k2), k1 + k2, span);
  const f = k1 + k2 - 1;
  const ratio = b.rescale(b.add(one, u, span), f, "half_even", span);
  return b.clamp(ratio, 15n << BigInt(f - 4), 17n << BigInt(f - 4), span);
}
