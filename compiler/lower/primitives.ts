import type * as A from "../../language/ast.js";
import type { EventKindName } from "../event-vocabulary.js";
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

import type { ProgramModel } from "./program-model.js";
import { namesIn } from "./names-used.js";
import { isRolling } from "./primitive-names.js";
import type { Val } from "./values.js";
import type { Span } from "../../language/span.js";
import type { DerivedExpr } from "../ir.js";

const ALPHA_FRAC = 32;
const DIFF_BITS = 30;
/** Bits the two halves of a wide ewma product keep before their sum rounds once. */
const GUARD_BITS = 8;
/** Fraction bits an undeclared average keeps beyond its input's and the half-life's: a dead zone of 2^-11 of x's step. */
const DEFAULT_MARGIN_BITS = 10;
/** Fraction bits an undeclared average may take: its raw value stays within 52 bits. */
const MAX_FRAC = 52;

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

/** The events whose market values an expression reads, through the bodies of the fns it calls. */
function marketEvents(root: A.Expr, fns: ReadonlyMap<string, A.FnDecl>, out: Set<EventKindName>, seen = new Set<string>(), own: readonly string[] = []): void {
  for (const name of namesIn(root)) {
    if (own.includes(name)) continue;
    if (EVENT_OF_NAME[name]) out.add(EVENT_OF_NAME[name]);
    const fn = fns.get(name);
    if (fn && !seen.has(name)) {
      seen.add(name);
      marketEvents(fn.body, fns, out, seen, fn.params.map((p) => p.name));
    }
  }
}

/** Finds the event that drives a primitive: the market data its argument reads (vamp: trades). */
export function classifyPrimitive(decl: A.StateDecl, model: ProgramModel, fns: ReadonlyMap<string, A.FnDecl>): Primitive | undefined {
  const call = decl.init;
  if (call.kind !== "call") return undefined;
  if (call.callee.name === "vamp") return { decl, call, event: "trade" };
  if (call.callee.name !== "ewma" && !isRolling(call.callee.name)) return undefined;
  const what = call.callee.name;
  const value = call.args.find((a) => !a.name);
  const events = new Set<EventKindName>();
  if (value) marketEvents(value.value, fns, events);
  if (events.size !== 1) {
    model.diags.error(
      "N011",
      (value ?? call).span,
      events.size === 0
        ? `${what}(...) must follow a market value, so Lockstep knows when to update it`
        : `${what}(...) mixes values of different events (${[...events].join(", ")})`,
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
 * ewma(x, halflife = h): s += round(x - s) * alpha with alpha = 1 - 2^(-1/h), a derived parameter with 32
 * fraction bits, every rounding half-even (a floor in a feedback path drifts down: the average of a
 * constant input settled below it). An undeclared average keeps enough fraction bits beyond x's that the
 * smallest step of x still moves it at the longest half-life; a declared format wins, with a warning when
 * it makes the average stick. s stays within the hull of x's range and its start value, which a clamp
 * makes visible to range analysis. With a declared type (and range), x is first saturated into it, so the
 * average is too.
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
  const alpha = staticVal(alphaOf(half.expr), NONE, false, `1 - 2^(-1/${half.text})`, hl.span, model);
  if (alpha.kind !== "static") return;
  const xn = asNum(x, ctx, value.value.span)!;
  const type = decl.type ? resolveType(decl.type, model.instrument, model.diags) : undefined;
  if (decl.type && !type) return;
  // the step rounds to 0 while |x - s| < 2^-(frac+1) / alpha: below one step of x at `needed` bits, below
  // a thousandth of one at the default
  const slowest = Math.ceil(Math.log2(1 / X.toNumber(alpha.bounds.lo)));
  const needed = xn.frac + Math.max(0, slowest - 1);
  // two bits below the cap leave the split product's halves room (range analysis widens lo = d - hi)
  const cap = MAX_FRAC - 2 - Math.max(0, bitsFor(xn.range) - 1 - xn.frac);
  const frac = type?.frac ?? Math.min(xn.frac + slowest + DEFAULT_MARGIN_BITS, cap);
  if (frac < needed) warnSticky(decl, needed, type?.format ?? iv(0n, 0n), frac, 2 ** -(frac + 1) / X.toNumber(alpha.bounds.lo), ctx);
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
  const rescaled = b.rescale(pre, frac, "half_even", value.value.span);
  const scaled = declared ? b.clamp(rescaled, declared.lo, declared.hi, value.value.span) : rescaled;
  const range = declared ?? hull(scaled.range, iv(0n, 0n));
  const slot = slotOf(frac, range, x.unit);
  const s = ctx.readState(slot, call.span);
  const a32 = materialize(alpha, ctx, hl.span, ALPHA_FRAC);
  const step = wideProduct(b.sub(scaled, s, call.span), a32, call.span, ctx);
  ctx.writeState(slot, b.clamp(b.add(s, step, call.span), range.lo, range.hi, call.span));
}

/** 1 - 2^(-1/h) */
function alphaOf(h: DerivedExpr): DerivedExpr {
  const c = (num: bigint) => ({ kind: "const" as const, num, den: 1n });
  const exponent = { kind: "binary" as const, op: "div" as const, a: c(-1n), b: h };
  return { kind: "binary", op: "sub", a: c(1n), b: { kind: "binary", op: "pow", a: c(2n), b: exponent } };
}

/**
 * d * alpha at d's precision, rounded half-even, for a difference d wider than a 64-bit product allows
 * next to alpha's 32 bits: d = hi * 2^m + lo makes two products that fit, so no bit of d is lost. Each
 * keeps g more bits (up to GUARD_BITS, as the step's range allows) and their sum rounds once, so the step
 * is an integer within 1 of (x - s) * alpha. For x >= 0 and s > 0 that exact step is greater than -s
 * (alpha < 1), so the rounded one is at least -s; for s = 0 every term is >= 0. An average of a
 * non-negative input never steps below 0: its lower clamp never binds.
 */
function wideProduct(d: Num, alpha: Num, span: Span, ctx: HandlerContext): Num {
  const { b } = ctx;
  const m = Math.min(d.frac, Math.max(0, bitsFor(d.range) - DIFF_BITS));
  if (m === 0) return b.mul(d, alpha, span, d.frac, "half_even");
  const hi = b.rescale(d, d.frac - m, "floor", span);
  // d - floor(d / 2^m) * 2^m lies in [0, 2^m): the clamp tells range analysis so
  const lo = b.clamp(b.sub(d, hi, span), 0n, (1n << BigInt(m)) - 1n, span);
  const shift = BigInt(ALPHA_FRAC);
  const stepBits = bitsFor(iv((d.range.lo * alpha.range.hi) >> shift, (d.range.hi * alpha.range.hi) >> shift));
  const guard = Math.min(GUARD_BITS, 53 - stepBits);
  if (guard < 1) return b.add(b.mul(hi, alpha, span, d.frac, "half_even"), b.mul(lo, alpha, span, d.frac, "half_even"), span);
  const sum = b.add(b.mul(hi, alpha, span, d.frac + guard, "half_even"), b.mul(lo, alpha, span, d.frac + guard, "half_even"), span);
  return b.rescale(sum, d.frac, "half_even", span);
}

function warnSticky(
  decl: A.StateDecl,
  needed: number,
  format: { lo: bigint; hi: bigint },
  frac: number,
  deadZone: number,
  ctx: HandlerContext,
): void {
  const type = decl.type;
  const fits = type !== undefined && bitsFor(format) + needed - frac <= 53;
  const intBits = type?.kind === "fix" ? type.intBits : bitsFor(format) - frac;
  ctx.model.diags.warning(
    "T015",
    type?.kind === "fix" ? type.span : decl.name.span,
    `this average keeps ${frac} fraction bits: at the longest half-life it does not move while within ${deadZone.toPrecision(3)} of its input (its step rounds to 0), so it sticks short of the input`,
    fits
      ? `declare at least ${needed} fraction bits: fix<${intBits}.${needed}>`
      : `${needed} fraction bits would not fit 53 bits with this range: round the input to fewer bits (precision(x, F)) or shorten the half-life's range`,
  );
}

/**
 * vamp(window = N): volume-adjusted market pressure from trades. Two counters of aggressive buy and sell
 * volume, in lots with log2(N) fraction bits, each lose c / N (rounded half-even) per trade (an
 * exponential window of about N trades); the pressure
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
  const widest = X.ceilR(window.bounds.hi);
  // fraction bits enough that a counter below one window still decays: with whole lots, c - round(c / N)
  // stopped at N / 2 lots and held a side's pressure long after its last trade
  const frac = Math.min(bitsFor(iv(0n, widest)), 52 - bitsFor(iv(0n, model.instrument.qty.hi * widest)));
  const cap = (model.instrument.qty.hi * widest) << BigInt(frac);
  const counter = (side: string) =>
    model.addState(
      { name: `${p.decl.name.name}_${side}_volume`, frac, range: iv(0n, cap), init: 0n, loc: model.loc(call.span) },
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
    const share = b.rescale(b.div(c, n, frac + 1, call.span), frac, "half_even", call.span);
    const next = b.clamp(b.add(b.sub(c, share, call.span), mine, call.span), 0n, cap, call.span);
    ctx.writeState(s, next);
    return b.rescale(next, 0, "half_even", call.span);
  };
  const buy = update(buySlot, b.select(isBuy, qty, zero, call.span));
  const sell = update(sellSlot, b.select(isBuy, zero, qty, call.span));
  const total = b.max(b.add(buy, sell, call.span), b.constant(1n, 0, call.span), call.span);
  const pressure = b.div(b.sub(buy, sell, call.span), total, 16, call.span);
  ctx.writeState(slot, b.clamp(pressure, -(1n << 16n), 1n << 16n, call.span));
}
