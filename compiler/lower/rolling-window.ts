import type * as A from "../../language/ast.js";
import type { Span } from "../../language/span.js";
import * as X from "../exact-math.js";
import type { Num } from "../ir-builder.js";
import { bitsFor, hull, iv } from "../interval.js";
import { constantValue } from "./constants.js";
import { TIME_MAX } from "./declarations.js";
import { lowerExpr } from "./expr.js";
import type { HandlerContext } from "./handler-context.js";
import { asNum } from "./materialize.js";
import type { Rolling } from "./primitive-names.js";
import type { Primitive } from "./primitives.js";
import { sameUnit, TIME, type Unit } from "../units.js";


/** The longest window: each entry is a register (a shift register in hardware), each aggregate a chain over them. */
export const MAX_WINDOW = 256;
/** Fraction bits a mean keeps beyond its input's. */
const MEAN_EXTRA_BITS = 16;

/**
 * rolling_max(x, last = N [, max_age = T]) and its min, sum and mean: the aggregate of the last N values of
 * x (updated on the event that drives x), and with `max_age`, only of those no older than T at that event.
 * The window is N state slots, shifted on each update (no index: the same in every target and a shift
 * register in hardware), with the times of the entries when `max_age` is given, and a count of how many
 * entries are filled. The named state holds the aggregate as of the last update.
 */
export function lowerRollingWindow(
  p: Primitive,
  slotOf: (frac: number, range: { lo: bigint; hi: bigint }, unit: Unit) => number,
  ctx: HandlerContext,
): void {
  const { call, decl } = p;
  const { b, model } = ctx;
  const kind = call.callee.name as Rolling;
  const value = call.args.filter((a) => !a.name);
  const named = new Map(call.args.flatMap((a) => (a.name ? [[a.name.name, a] as const] : [])));
  for (const [name, a] of named)
    if (name !== "last" && name !== "max_age")
      model.diags.error("N005", a.name!.span, `${kind}(...) has no argument '${name}'`, "its named arguments are last = N and max_age = T");
  if (decl.type || decl.range) {
    model.diags.error(
      "T016",
      decl.range?.span ?? decl.name.span,
      `a ${kind} state takes its input's format and range`,
      "remove the type and range: the window holds values of its input",
    );
    return;
  }
  const last = named.get("last");
  if (value.length !== 1 || !last) {
    model.diags.error("N005", call.span, `${kind}(...) needs the value and last = N`, `write e.g. ${kind}(mid, last = 16)`);
    return;
  }
  const n = windowLength(last, ctx);
  const x = lowerExpr(value[0].value, ctx);
  if (n === undefined || x.kind === "error") return;
  const xn = asNum(x, ctx, value[0].value.span)!;
  const maxAge = named.get("max_age");
  const horizon = maxAge ? lowerExpr(maxAge.value, ctx) : undefined;
  if (horizon && (horizon.kind !== "static" || horizon.bool || !sameUnit(horizon.unit, TIME) || X.cmp(horizon.bounds.lo, X.rat(0n)) < 0)) {
    if (horizon.kind !== "error")
      model.diags.error("N005", maxAge!.value.span, "max_age = T needs a duration constant or parameter, at least 0", "write e.g. max_age = 500ms");
    return;
  }
  const span = call.span;
  const name = decl.name.name;
  const entryRange = hull(xn.range, iv(0n, 0n));
  const entry = (i: number) => model.addState({ name: `${name}_${i}`, frac: xn.frac, range: entryRange, init: 0n, loc: model.loc(span) }, x.unit);
  const entries = Array.from({ length: n }, (_, i) => entry(i));
  const times = horizon ? Array.from({ length: n }, (_, i) => model.addState({ name: `${name}_t${i}`, frac: 0, range: iv(0n, TIME_MAX), init: 0n, loc: model.loc(span) }, TIME)) : [];
  const countSlot = model.addState({ name: `${name}_count`, frac: 0, range: iv(0n, BigInt(n)), init: 0n, loc: model.loc(span) }, { price: 0, qty: 0, time: 0 });

  // the window after this update: x first, then the old entries shifted by one
  const old = entries.map((s) => ctx.readState(s, span));
  const window = [xn, ...old.slice(0, n - 1)];
  entries.forEach((s, i) => ctx.writeState(s, window[i]));
  const count = b.min(b.add(ctx.readState(countSlot, span), b.constant(1n, 0, span), span), b.constant(BigInt(n), 0, span), span);
  ctx.writeState(countSlot, count);
  const now = asNum(ctx.fields.get("now")!, ctx, span)!;
  const stamps = times.length ? [now, ...times.slice(0, n - 1).map((s) => ctx.readState(s, span))] : [];
  times.forEach((s, i) => ctx.writeState(s, stamps[i]));
  const oldest = horizon ? b.sub(now, asNum(horizon, ctx, maxAge!.value.span)!, span) : undefined;
  const live = window.map((_, i) => {
    const filled = b.cmp("lt", b.constant(BigInt(i), 0, span), count, span);
    return oldest ? b.and(filled, b.cmp("ge", stamps[i], oldest, span), span) : filled;
  });
  const aggregate = aggregateOf(kind, window, live, span, ctx);
  // the state starts at 0, before the first update, whatever the aggregate's range
  ctx.writeState(slotOf(aggregate.frac, hull(aggregate.range, iv(0n, 0n)), x.unit), aggregate);
}

/** The newest entry is always live (it is this event's value), so folds start from it. */
function aggregateOf(kind: Rolling, window: Num[], live: Num[], span: Span, ctx: HandlerContext): Num {
  const { b } = ctx;
  switch (kind) {
    case "rolling_max":
    case "rolling_min": {
      let acc = window[0];
      for (let i = 1; i < window.length; i++) {
        const next = kind === "rolling_max" ? b.max(acc, window[i], span) : b.min(acc, window[i], span);
        acc = b.select(live[i], next, acc, span);
      }
      return acc;
    }
    case "rolling_sum":
    case "rolling_mean": {
      const zero = b.constant(0n, window[0].frac, span);
      let sum = window[0];
      for (let i = 1; i < window.length; i++) sum = b.add(sum, b.select(live[i], window[i], zero, span), span);
      if (kind === "rolling_sum") return sum;
      let count = b.constant(1n, 0, span);
      for (let i = 1; i < window.length; i++) count = b.add(count, live[i], span);
      const frac = Math.max(sum.frac, Math.min(sum.frac + MEAN_EXTRA_BITS, 52 - bitsFor(sum.range) + sum.frac));
      const quotient = b.div(sum, count, frac + 1, span);
      // the mean lies within the entries' range: the clamp tells range analysis so
      const range = window[0].range;
      return b.clamp(b.rescale(quotient, frac, "half_even", span), range.lo << BigInt(frac - window[0].frac), range.hi << BigInt(frac - window[0].frac), span);
    }
    default: {
      const never: never = kind;
      throw new Error(`unknown window ${String(never)}`);
    }
  }
}

/** last = N: a whole-number constant in [1, MAX_WINDOW], since it decides how many registers there are. */
function windowLength(arg: A.Arg, ctx: HandlerContext): number | undefined {
  const v = constantValue(arg.value);
  if (!v || v.d !== 1n || v.n < 1n || v.n > BigInt(MAX_WINDOW)) {
    ctx.model.diags.error(
      "N005",
      arg.value.span,
      `last = N must be a whole-number constant from 1 to ${MAX_WINDOW}`,
      "the window's length decides how many registers hold it; a parameter cannot change it",
    );
    return undefined;
  }
  return Number(X.floorR(v));
}
