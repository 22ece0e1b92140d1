import type * as A from "../../language/ast.js";
import type { EventKindName } from "../../runtime/event-tape.js";
import * as X from "../exact-math.js";
import { bitsFor, hull, iv } from "../interval.js";
import { NONE, type Unit } from "../units.js";
import { resolveType } from "./declarations.js";
import { constantValue } from "./constants.js";
import { quantize } from "../derived-eval.js";
import { lowerExpr } from "./expr.js";
import type { HandlerContext } from "./handler-context.js";
import type { Num } from "../ir-builder.js";
import { asNum, materialize, staticVal } from "./materialize.js";

const ALPHA_FRAC = 32;
const DIFF_BITS = 30;
import type { ProgramModel } from "./program-model.js";
import type { Val } from "./values.js";

/** A state declared by a primitive: updated by Lockstep on one kind of event, before the handler runs. */
export interface Primitive {
  readonly decl: A.StateDecl;
  readonly call: Extract<A.Expr, { kind: "call" }>;
  readonly event: EventKindName;
}

const EVENT_OF_NAME: Record<string, EventKindName> = {
  bid: "book",
  ask: "book",
  bid_qty: "book",
  ask_qty: "book",
  mid: "book",
  weighted_mid: "book",
  trade_price: "trade",
  trade_qty: "trade",
  trade_side: "trade",
  fill_price: "fill",
  fill_qty: "fill",
  fill_side: "fill",
};

/** With an explicit stack: an operator chain is a tree as deep as it is long. */
function marketEvents(root: A.Expr, out: Set<EventKindName>): void {
  const todo: A.Expr[] = [root];
  for (let e = todo.pop(); e !== undefined; e = todo.pop()) {
    switch (e.kind) {
      case "name":
        if (EVENT_OF_NAME[e.name]) out.add(EVENT_OF_NAME[e.name]);
        break;
      case "call":
        if (EVENT_OF_NAME[e.callee.name]) out.add(EVENT_OF_NAME[e.callee.name]);
        for (const a of e.args) todo.push(a.value);
        break;
      case "unary":
        todo.push(e.operand);
        break;
      case "binary":
        todo.push(e.left, e.right);
        break;
      default:
        break;
    }
  }
}

/** Finds the event that drives a primitive: the market data its argument reads (vamp: trades). */
export function classifyPrimitive(decl: A.StateDecl, model: ProgramModel): Primitive | undefined {
  const call = decl.init;
  if (call.kind !== "call") return undefined;
  if (call.callee.name === "vamp") return { decl, call, event: "trade" };
  if (call.callee.name !== "ewma") return undefined;
  const value = call.args.find((a) => !a.name);
  const events = new Set<EventKindName>();
  if (value) marketEvents(value.value, events);
  if (events.size !== 1) {
    model.diags.error(
      "N011",
      (value ?? call).span,
      events.size === 0
        ? "ewma(...) must follow a market value, so Lockstep knows when to update it"
        : `ewma(...) mixes values of different events (${[...events].join(", ")})`,
      "average a book value (mid, bid, ...) or a trade value (trade_price, ...), e.g. ewma(sq(log_return(mid)), halflife = 512)",
    );
    return undefined;
  }
  return { decl, call, event: [...events][0] };
}

function namedArg(call: Primitive["call"], name: string, ctx: HandlerContext): A.Arg | undefined {
  const found = call.args.find((a) => a.name?.name === name);
  if (!found)
    ctx.model.diags.error(
      "N005",
      call.span,
      `${call.callee.name}(...) needs ${name} = N`,
      `write e.g. ${call.callee.name}(${call.callee.name === "ewma" ? "x, " : ""}${name} = 64)`,
    );
  for (const a of call.args)
    if (a.name && a.name.name !== name)
      ctx.model.diags.error(
        "N005",
        a.name.span,
        `${call.callee.name}(...) has no argument '${a.name.name}'`,
        `its named argument is ${name}`,
      );
  return found;
}

/** A positive parameter-only value (window lengths, half-lives). */
function positiveStatic(arg: A.Arg, ctx: HandlerContext): Extract<Val, { kind: "static" }> | undefined {
  const v = lowerExpr(arg.value, ctx);
  if (v.kind !== "static" || v.bool || X.cmp(v.bounds.lo, X.rat(1n)) < 0) {
    if (v.kind !== "error")
      ctx.model.diags.error(
        "R006",
        arg.value.span,
        `${arg.name?.name ?? "this"} must be a parameter or constant of at least 1`,
        "use a positive integer constant or a parameter declared in [1, N]",
      );
    return undefined;
  }
  return v;
}

function rangeOf(r: A.RangeExpr, frac: number, model: ProgramModel) {
  const lo = constantValue(r.lo);
  const hi = constantValue(r.hi);
  if (!lo || !hi || X.cmp(lo, hi) > 0) {
    model.diags.error("T005", r.span, "this range needs constant bounds, lower first", "write e.g. in [0, 100]");
    return undefined;
  }
  return iv(quantize(lo, frac), quantize(hi, frac));
}

/**
 * ewma(x, halflife = h): s += floor(x - s, to 30 bits) * alpha with alpha = 1 - 2^(-1/h), a derived
 * parameter with 32 fraction bits. The product rounds down to s's precision; s stays within the hull of x's range and its start value,
 * which a clamp makes visible to range analysis. With a declared type (and range), x is first
 * saturated into it, so the average is too.
 */
export function lowerEwma(
  p: Primitive,
  slotOf: (frac: number, range: { lo: bigint; hi: bigint }, unit: Unit) => number,
  ctx: HandlerContext,
): void {
  const { call, decl } = p;
  const { b, model } = ctx;
  const value = call.args.find((a) => !a.name);
  const hl = namedArg(call, "halflife", ctx);
  if (!value || !hl || call.args.filter((a) => !a.name).length !== 1) {
    if (!value)
      model.diags.error("N005", call.span, "ewma(...) needs the value to average", "write ewma(x, halflife = 64)");
    return;
  }
  const half = positiveStatic(hl, ctx);
  const x = lowerExpr(value.value, ctx);
  if (!half || x.kind === "error") return;
  const xn = asNum(x, ctx, value.value.span)!;
  const type = decl.type ? resolveType(decl.type, model.instrument, model.diags) : undefined;
  if (decl.type && !type) return;
  const frac = type?.frac ?? xn.frac;
  const declared = decl.range && type ? rangeOf(decl.range, frac, model) : type?.format;
  if (declared && (declared.lo > 0n || declared.hi < 0n)) {
    model.diags.error(
      "T009",
      decl.range?.span ?? decl.name.span,
      "an ewma starts at 0, which is outside the declared range",
      "include 0 in the range, e.g. in [0, 128]",
    );
    return;
  }
  const shift = BigInt(Math.max(0, frac - xn.frac));
  const pre =
    declared && frac >= xn.frac ? b.clamp(xn, declared.lo >> shift, declared.hi >> shift, value.value.span) : xn;
  const rescaled = b.rescale(pre, frac, "floor", value.value.span);
  const scaled = declared ? b.clamp(rescaled, declared.lo, declared.hi, value.value.span) : rescaled;
  const range = declared ?? hull(scaled.range, iv(0n, 0n));
  const slot = slotOf(frac, range, x.unit);
  const alphaExpr = {
    kind: "binary" as const,
    op: "sub" as const,
    a: { kind: "const" as const, num: 1n, den: 1n },
    b: {
      kind: "binary" as const,
      op: "pow" as const,
      a: { kind: "const" as const, num: 2n, den: 1n },
      b: {
        kind: "binary" as const,
        op: "div" as const,
        a: { kind: "const" as const, num: -1n, den: 1n },
        b: half.expr,
      },
    },
  };
  const alpha = staticVal(alphaExpr, NONE, false, `1 - 2^(-1/${half.text})`, hl.span, model);
  if (alpha.kind !== "static") return;
  const s = ctx.readState(slot, call.span);
  // alpha keeps all 32 fraction bits (long half-lives make it tiny); the difference gives up the low bits
  // that would not fit the 64-bit product: it is floored to at most 30 bits first
  const a32 = materialize(alpha, ctx, hl.span, ALPHA_FRAC);
  const diff = b.sub(scaled, s, call.span);
  const drop = Math.min(diff.frac, Math.max(0, bitsFor(diff.range) - DIFF_BITS));
  const coarse = b.rescale(diff, diff.frac - drop, "floor", call.span);
  const step = b.mul(coarse, a32, call.span, frac, "floor");
  const next = b.add(s, step, call.span);
  ctx.writeState(slot, b.clamp(next, range.lo, range.hi, call.span));
}

/**
 * vamp(window = N): volume-adjusted market pressure from trades. Two integer counters of aggressive
 * buy and sell volume each lose floor(c / N) per trade (an exponential window of about N trades); the pressure
 * is (buy - sell) / (buy + sell) in [-1, 1] with 16 fraction bits, 0 before any trade.
 */
export function lowerVamp(
  p: Primitive,
  slotOf: (frac: number, range: { lo: bigint; hi: bigint }, unit: Unit) => number,
  ctx: HandlerContext,
): void {
  const { call } = p;
  const { b, model } = ctx;
  const w = namedArg(call, "window", ctx);
  if (!w) return;
  if (call.args.some((a) => !a.name)) {
    model.diags.error("N005", call.span, "vamp(...) takes only window = N", "write vamp(window = 64)");
    return;
  }
  const window = positiveStatic(w, ctx);
  if (!window) return;
  const cap = model.instrument.qty.hi * X.ceilR(window.bounds.hi);
  const counter = (side: string) =>
    model.addState(
      { name: `${p.decl.name.name}_${side}_volume`, frac: 0, range: iv(0n, cap), init: 0n, loc: model.loc(call.span) },
      { price: 0, qty: 1, time: 0 },
    );
  const buySlot = counter("buy");
  const sellSlot = counter("sell");
  const slot = slotOf(16, iv(-(1n << 16n), 1n << 16n), NONE);
  const n = asNum(window, ctx, w.span)!;
  const qty = asNum(ctx.fields.get("trade_qty")!, ctx, call.span)!;
  const side = asNum(ctx.fields.get("trade_side")!, ctx, call.span)!;
  const zero = b.constant(0n, 0, call.span);
  const isBuy = b.cmp("gt", side, zero, call.span);
  const update = (s: number, mine: Num) => {
    const c = ctx.readState(s, call.span);
    const decayed = b.sub(c, b.div(c, n, 0, call.span), call.span);
    const next = b.clamp(b.add(decayed, mine, call.span), 0n, cap, call.span);
    ctx.writeState(s, next);
    return next;
  };
  const buy = update(buySlot, b.select(isBuy, qty, zero, call.span));
  const sell = update(sellSlot, b.select(isBuy, zero, qty, call.span));
  const total = b.max(b.add(buy, sell, call.span), b.constant(1n, 0, call.span), call.span);
  const pressure = b.div(b.sub(buy, sell, call.span), total, 16, call.span);
  ctx.writeState(slot, b.clamp(pressure, -(1n << 16n), 1n << 16n, call.span));
}
