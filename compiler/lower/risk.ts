import type * as A from "../../language/ast.js";
import type { Span } from "../../language/span.js";
import * as X from "../exact-math.js";
import { iv } from "../interval.js";
import type { Num } from "../ir-builder.js";
import { REJECT_REASONS } from "../ir.js";
import { NONE, PRICE, QTY, sameUnit, showUnit, TIME, type Unit } from "../units.js";
import { TIME_MAX } from "./declarations.js";
import { lowerExpr } from "./expr.js";
import { midOf } from "./events.js";
import type { HandlerContext } from "./handler-context.js";
import { asNum, staticVal } from "./materialize.js";
import { currentPosition } from "./position.js";
import type { ProgramModel } from "./program-model.js";
import type { Val } from "./values.js";

type Static = Extract<Val, { kind: "static" }>;

const LIMIT_UNITS: Record<string, Unit> = { max_position: QTY, max_order_qty: QTY, max_notional: NONE };
/** The parameter type that carries a limit's unit. */
const TYPE_OF_UNIT = new Map<Unit, string>([[QTY, "qty"], [PRICE, "price"], [TIME, "duration"]]);

/** The risk block's limits, by name, as parameter-only values (invariants may name them too). */
export interface RiskLimits {
  readonly values: Map<string, Static>;
  readonly band?: { width: Static; reference: A.Ident; span: Span };
  readonly rate?: { count: Static; per: Static; span: Span };
  readonly killSwitch: boolean;
  readonly invariants: A.Expr[];
}

export function collectRiskLimits(risk: A.RiskDecl | undefined, ctx: HandlerContext): RiskLimits {
  const limits: RiskLimits = { values: new Map(), killSwitch: false, invariants: [] };
  const mutable = limits as { -readonly [K in keyof RiskLimits]: RiskLimits[K] };
  const seen = new Set<string>();
  for (const rule of risk?.rules ?? []) {
    const key = rule.kind === "limit" ? rule.limit.name : rule.kind;
    if (rule.kind !== "invariant" && seen.has(key)) {
      ctx.model.diags.error("N002", rule.span, `the rule '${key}' appears twice`, "keep one");
      continue;
    }
    seen.add(key);
    switch (rule.kind) {
      case "limit": {
        const unit = LIMIT_UNITS[rule.limit.name];
        if (!unit) {
          ctx.model.diags.error(
            "N012",
            rule.limit.span,
            `unknown risk rule '${rule.limit.name}'`,
            "rules: max_position, max_order_qty, max_notional, price_band, max_messages, kill_switch, invariant",
          );
          continue;
        }
        const v = staticLimit(rule.value, unit, ctx);
        if (v) limits.values.set(rule.limit.name, v);
        if (v && rule.limit.name === "max_position") warnBeyondPositionRange(v, rule.value.span, ctx);
        break;
      }
      case "price_band": {
        const width = staticLimit(rule.width, PRICE, ctx);
        if (!["reference", "mid", "last_trade"].includes(rule.reference.name)) {
          ctx.model.diags.error(
            "N013",
            rule.reference.span,
            `unknown price reference '${rule.reference.name}'`,
            "use reference (last trade, else mid), mid or last_trade",
          );
          continue;
        }
        if (width) mutable.band = { width, reference: rule.reference, span: rule.span };
        break;
      }
      case "max_messages": {
        const count = staticLimit(rule.count, NONE, ctx);
        const per = staticLimit(rule.per, TIME, ctx);
        if (count && per && refillsEveryNanosecond(count, per, rule.span, ctx.model))
          mutable.rate = { count, per, span: rule.span };
        break;
      }
      case "kill_switch":
        mutable.killSwitch = true;
        break;
      case "invariant":
        limits.invariants.push(rule.cond);
        break;
      default: {
        const never: never = rule;
        throw new Error(`unknown rule ${JSON.stringify(never)}`);
      }
    }
  }
  return limits;
}

/**
 * A max_position that can exceed the declared position range lets the gateway accept an order whose fill
 * leaves the range: the fill is still caught (kill switch or position_range), but only after the order
 * went out. Legal, and almost never what the author meant.
 */
function warnBeyondPositionRange(limit: Static, span: Span, ctx: HandlerContext): void {
  const range = ctx.model.instrument.position;
  const room = range.hi < -range.lo ? range.hi : -range.lo;
  if (X.cmp(limit.bounds.hi, X.rat(room)) <= 0) return;
  const hi = X.toNumber(limit.bounds.hi);
  ctx.model.diags.warning(
    "R009",
    span,
    `max_position can be up to ${hi} lots, beyond the declared position range [${range.lo}, ${range.hi}] lots`,
    `an accepted order could fill outside the range and halt the gateway after the fact; keep the limit at most ${room} lots ${limit.expr.kind === "const" ? "" : "(tighten the parameter's range) "}or widen 'position in' in the instrument`,
  );
}

/** Limits are parameter-only and strictly positive: the gateway never runs with an undefined limit. */
function staticLimit(e: A.Expr, unit: Unit, ctx: HandlerContext): Static | undefined {
  const v = lowerExpr(e, ctx);
  if (v.kind === "error") return undefined;
  if (v.kind !== "static" || v.bool) {
    ctx.model.diags.error(
      "R007",
      e.span,
      "a risk limit must be a constant or a parameter",
      "limits are loaded with the parameters, not computed per event",
    );
    return undefined;
  }
  const isConst = v.expr.kind === "const" && v.unit.price === 0 && v.unit.qty === 0 && v.unit.time === 0;
  if (!isConst && !sameUnit(v.unit, unit)) {
    const param = e.kind === "name" && ctx.model.paramInfo.has(e.name) ? e.name : undefined;
    ctx.model.diags.error(
      "U001",
      e.span,
      `this limit is in ${showUnit(unit)}, the value is ${showUnit(v.unit)}`,
      param ? `declare ${param} : ${TYPE_OF_UNIT.get(unit) ?? "int"} in params` : "give the limit in the right unit",
    );
    return undefined;
  }
  if (X.cmp(v.bounds.lo, X.rat(0n)) <= 0) {
    ctx.model.diags.error(
      "R006",
      e.span,
      "a risk limit must be positive",
      "declare it, or the parameter it comes from, with a positive range",
    );
    return undefined;
  }
  return { ...v, unit };
}

/**
 * GCRA refills one message every floor(T / N) ns; at 0 ns the bucket never empties and the limit never
 * rejects. Limits are positive, so the smallest interval over every parameter set is floor(T.lo / N.hi).
 */
function refillsEveryNanosecond(count: Static, per: Static, span: Span, model: ProgramModel): boolean {
  const worstCount = count.bounds.hi;
  const worstPer = per.bounds.lo;
  if (X.cmp(worstPer, worstCount) >= 0) return true;
  const isConst = (v: Static) => v.expr.kind === "const";
  const worst = [
    ...(isConst(count) ? [] : [`${count.text} = ${showCount(worstCount)}`]),
    ...(isConst(per) ? [] : [`${per.text} = ${showDuration(worstPer)}`]),
  ];
  model.diags.error(
    "R008",
    span,
    `max_messages ${count.text} per ${per.text} refills one message every floor(${per.text} / ${count.text}) ns, ` +
      `which is 0 ns${worst.length ? ` for ${worst.join(" and ")}` : ""}: the limit would never reject an order`,
    rateHint(count, per, model),
  );
  return false;
}

/** The smallest period that works for the largest count, and the range to tighten to get there. */
function rateHint(count: Static, per: Static, model: ProgramModel): string {
  const needPer = X.rat(X.ceilR(count.bounds.hi));
  const maxCount = X.floorR(per.bounds.lo);
  const messages = (n: X.Rational | bigint) => {
    const text = typeof n === "bigint" ? n.toString() : showCount(n);
    return `${text} message${text === "1" ? "" : "s"}`;
  };
  if (count.expr.kind === "const" && per.expr.kind === "const")
    return (
      `with ${messages(count.bounds.hi)} the period must be at least ${showDuration(needPer)}` +
      (maxCount >= 1n ? `; with a period of ${showDuration(per.bounds.lo)}, at most ${messages(maxCount)}` : "")
    );
  const fixes: string[] = [];
  const declared = (v: Static) => (v.paramSlot === undefined ? undefined : model.params[v.paramSlot]);
  const perParam = declared(per);
  if (perParam && X.cmp(needPer, per.bounds.hi) <= 0)
    fixes.push(`declare ${perParam.name} in [${showDuration(needPer)}, ${showDuration(per.bounds.hi)}]`);
  const countParam = declared(count);
  if (countParam && X.cmp(X.rat(maxCount), count.bounds.lo) >= 0)
    fixes.push(`declare ${countParam.name} in [${showCount(count.bounds.lo)}, ${maxCount}]`);
  const lead = `with ${count.text} up to ${messages(count.bounds.hi)} the period must be at least ${showDuration(needPer)}`;
  return fixes.length
    ? `${lead}: ${fixes.join(", or ")}`
    : `${lead}: narrow the parameter ranges so that ${per.text} is at least ${count.text} nanoseconds for every parameter set`;
}

function showCount(v: X.Rational): string {
  return v.d === 1n ? v.n.toString() : String(X.toNumber(v));
}

const DURATION_UNITS: [string, bigint][] = [
  ["h", 3_600_000_000_000n],
  ["m", 60_000_000_000n],
  ["s", 1_000_000_000n],
  ["ms", 1_000_000n],
  ["us", 1_000n],
];

/** A duration in the largest unit that writes it exactly, as the author would: 1s, 250ms, 3ns. */
function showDuration(ns: X.Rational): string {
  if (ns.d !== 1n) return `${X.toNumber(ns)}ns`;
  const unit = DURATION_UNITS.find(([, size]) => ns.n !== 0n && ns.n % size === 0n);
  return unit ? `${ns.n / unit[1]}${unit[0]}` : `${ns.n}ns`;
}

/** Reason codes, in the order the checks are applied: the first failing check is reported. */
const CODE = Object.fromEntries(REJECT_REASONS.map((r, i) => [r, i])) as Record<
  (typeof REJECT_REASONS)[number],
  number
>;

/**
 * The pre-trade check of an outgoing order. Every check is computed (straight-line, as in hardware);
 * the verdict is the first failure in the order of REJECT_REASONS. Only an accepted order consumes a
 * message-rate token.
 */
export function lowerOrderCheck(limits: RiskLimits, span: Span, ctx: HandlerContext): { accept: Num; reason: Num } {
  const { b } = ctx;
  const states = ctx.globals.states;
  const c = (v: bigint, f = 0) => b.constant(v, f, span);
  const field = (n: string) => asNum(ctx.fields.get(n)!, ctx, span)!;
  const limit = (n: string) => {
    const v = limits.values.get(n);
    return v && asNum(v, ctx, span)!;
  };
  const [px, qty, side] = [field("order_price"), field("order_qty"), field("order_side")];
  const failures: [number, Num][] = [];
  const position = currentPosition(ctx);
  // with a kill switch, a position outside its declared range has engaged it (and holds it engaged)
  if (limits.killSwitch) failures.push([CODE.kill_switch, ctx.readState(states.get("kill_switch")!, span)]);
  else failures.push([CODE.position_range, position.outside]);
  const maxQty = limit("max_order_qty");
  // an order of 0 lots, or of fewer than the instrument's declared minimum, is refused like an oversized one
  const minQty = ctx.model.instrument.qty.lo;
  const tooSmall = minQty > 1n ? b.cmp("lt", qty, c(minQty), span) : b.cmp("eq", qty, c(0n), span);
  failures.push([CODE.order_qty, maxQty ? b.or(tooSmall, b.cmp("gt", qty, maxQty, span), span) : tooSmall]);
  const boundedQty = maxQty ? b.min(qty, maxQty, span) : qty;
  const maxPos = limit("max_position");
  if (maxPos) {
    const after = b.add(position.exact, b.mul(side, boundedQty, span), span);
    failures.push([CODE.position, b.cmp("gt", b.abs(after, span), maxPos, span)]);
  }
  const notional = limits.values.get("max_notional");
  if (notional) failures.push([CODE.notional, notionalExceeded(notional, b.mul(boundedQty, px, span), span, ctx)]);
  if (limits.band) {
    const ref = reference(limits.band.reference.name, span, ctx);
    failures.push([CODE.no_reference, b.cmp("eq", ref, c(0n), span)]);
    const width = asNum(limits.band.width, ctx, span)!;
    failures.push([CODE.price_band, b.cmp("gt", b.abs(b.sub(px, ref, span), span), width, span)]);
  }
  if (limits.rate) failures.push([CODE.message_rate, rateLimited(limits.rate, span, ctx)]);
  let reason = c(0n);
  for (let i = failures.length - 1; i >= 0; i--)
    reason = b.select(failures[i][1], c(BigInt(failures[i][0])), reason, span);
  const accept = b.cmp("eq", reason, c(0n), span);
  if (limits.rate) consumeToken(limits.rate, accept, span, ctx);
  return { accept, reason };
}

/** qty * price * (lot * tick * multiplier) > max_notional, decided exactly on integers: qty * price > floor(max / unit). */
function notionalExceeded(max: Static, qtyTimesPrice: Num, span: Span, ctx: HandlerContext): Num {
  const ins = ctx.model.instrument;
  const unit = X.mul(X.mul(ins.lot, ins.tick), ins.multiplier);
  const expr = {
    kind: "unary" as const,
    op: "floor" as const,
    a: {
      kind: "binary" as const,
      op: "div" as const,
      a: max.expr,
      b: { kind: "const" as const, num: unit.n, den: unit.d },
    },
  };
  const cap = staticVal(expr, NONE, false, `floor(${max.text} / ${X.toNumber(unit)})`, span, ctx.model);
  if (cap.kind !== "static") return ctx.b.constant(1n, 0, span);
  return ctx.b.cmp("gt", qtyTimesPrice, asNum(cap, ctx, span)!, span);
}

function reference(name: string, span: Span, ctx: HandlerContext): Num {
  const { b } = ctx;
  const last = ctx.readState(ctx.globals.states.get("last_trade")!, span);
  const mid = midOf(ctx, span);
  if (name === "last_trade") return last;
  if (name === "mid") return mid;
  return b.select(b.cmp("gt", last, b.constant(0n, 0, span), span), last, mid, span);
}

/**
 * max_messages N per T is GCRA, the exact form of a token bucket of N tokens refilled one every
 * I = floor(T / N) ns: an order conforms iff now >= tat - (N - 1) * I, and an accepted order sets
 * tat = max(now, tat) + I. One register, no division per order.
 */
function rateLimited(rate: NonNullable<RiskLimits["rate"]>, span: Span, ctx: HandlerContext): Num {
  const { b } = ctx;
  const params = rateParams(rate, span, ctx);
  if (!params) return b.constant(0n, 0, span);
  const { tolerance } = params;
  const tat = ctx.readState(ctx.globals.states.get("rate_tat")!, span);
  const now = asNum(ctx.fields.get("now")!, ctx, span)!;
  return b.cmp("lt", b.add(now, tolerance, span), tat, span);
}

function rateParams(rate: NonNullable<RiskLimits["rate"]>, span: Span, ctx: HandlerContext) {
  const model = ctx.model;
  const iExpr = {
    kind: "unary" as const,
    op: "floor" as const,
    a: { kind: "binary" as const, op: "div" as const, a: rate.per.expr, b: rate.count.expr },
  };
  const interval = staticVal(iExpr, TIME, false, `floor(${rate.per.text} / ${rate.count.text})`, span, model);
  const tExpr = {
    kind: "binary" as const,
    op: "mul" as const,
    a: {
      kind: "binary" as const,
      op: "sub" as const,
      a: rate.count.expr,
      b: { kind: "const" as const, num: 1n, den: 1n },
    },
    b: iExpr,
  };
  const tolerance = staticVal(
    { kind: "unary", op: "floor", a: tExpr },
    TIME,
    false,
    `(${rate.count.text} - 1) * interval`,
    span,
    model,
  );
  // an error in either was reported where it arose, and the program will not compile
  const i = asNum(interval, ctx, span);
  const t = asNum(tolerance, ctx, span);
  return i && t ? { interval: i, tolerance: t } : undefined;
}

function consumeToken(rate: NonNullable<RiskLimits["rate"]>, accept: Num, span: Span, ctx: HandlerContext): void {
  const { b } = ctx;
  const slot = ctx.globals.states.get("rate_tat")!;
  const params = rateParams(rate, span, ctx);
  if (!params) return;
  const { interval } = params;
  const tat = ctx.readState(slot, span);
  const now = asNum(ctx.fields.get("now")!, ctx, span)!;
  const next = b.clamp(b.add(b.max(now, tat, span), interval, span), 0n, ctx.model.state[slot].range.hi, span);
  ctx.writeState(slot, b.select(accept, next, tat, span));
}

/** Declares the risk block's own registers. */
export function declareRiskStates(
  risk: A.RiskDecl | undefined,
  model: ProgramModel,
  states: Map<string, number>,
): void {
  if (!risk) return;
  if (risk.rules.some((r) => r.kind === "kill_switch")) {
    states.set(
      "kill_switch",
      model.addState({ name: "kill_switch", frac: 0, range: iv(0n, 1n), init: 0n, loc: model.loc(risk.span) }, NONE, true),
    );
    model.builtinStates.add("kill_switch");
  }
  if (risk.rules.some((r) => r.kind === "max_messages")) {
    states.set(
      "rate_tat",
      model.addState(
        // tat <= now + interval <= 2^50 + 2^50 (intervals are durations): the clamp never binds
        { name: "rate_tat", frac: 0, range: iv(0n, 2n * TIME_MAX), init: 0n, loc: model.loc(risk.span) },
        TIME,
      ),
    );
    model.builtinStates.add("rate_tat");
  }
}
