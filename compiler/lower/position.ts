import type { Span } from "../../language/span.js";
import { iv } from "../interval.js";
import type { Num } from "../ir-builder.js";
import { HALT_REASONS, type Interval } from "../ir.js";
import type { HandlerContext } from "./handler-context.js";
import type { InstrumentInfo } from "./program-model.js";

const NO_SPAN: Span = { start: 0, end: 0 };

/**
 * The position register is exact: a fill is never lost to saturation. It holds +-(2^52 - max qty) lots,
 * far beyond any session (4.5e15 lots at a 10^7-lot maximum), so that position + one order's signed
 * quantity still fits 53 bits. The strategy reads a view clamped to the declared range; a position
 * outside that range is a risk event (kill switch, reason position_range, halt_reason).
 */
export function exactPositionRange(ins: InstrumentInfo): Interval {
  const bound = (1n << 52n) - ins.qty.hi;
  return iv(-bound, bound);
}

/** The position after Lockstep's own updates of an event: exact, as the strategy sees it, and whether it lies outside. */
export interface PositionNow {
  readonly exact: Num;
  readonly view: Num;
  readonly outside: Num;
}

const settled = new WeakMap<HandlerContext, PositionNow>();

/** The view of a position value: clamped to the declared range, and whether the clamp changed it. */
function viewOf(exact: Num, span: Span, ctx: HandlerContext): Omit<PositionNow, "exact"> {
  const declared = ctx.model.instrument.position;
  const view = ctx.b.clamp(exact, declared.lo, declared.hi, span);
  return { view, outside: ctx.b.cmp("ne", view, exact, span) };
}

/**
 * A fill's update of the register: the new position, saturated only past 2^52 - max qty lots, which no
 * session reaches. The view is taken first, so the clamp to the declared range comes first in emitted
 * code, where dropping it is a bug the agreement tests can see.
 */
export function settleFill(next: Num, ctx: HandlerContext): PositionNow {
  const seen = viewOf(next, NO_SPAN, ctx);
  const wide = exactPositionRange(ctx.model.instrument);
  const now = { exact: ctx.b.clamp(next, wide.lo, wide.hi, NO_SPAN), ...seen };
  settled.set(ctx, now);
  return now;
}

/** The position every reader of this event sees: the fill's update, or the register as the event found it. */
export function currentPosition(ctx: HandlerContext): PositionNow {
  const known = settled.get(ctx);
  if (known) return known;
  const exact = ctx.readState(ctx.globals.states.get("position")!, NO_SPAN);
  const now = { exact, ...viewOf(exact, NO_SPAN, ctx) };
  settled.set(ctx, now);
  return now;
}

/** Why orders are being refused, after this event: a code of HALT_REASONS. */
export function haltReason(span: Span, ctx: HandlerContext): Num {
  const { b } = ctx;
  const code = (r: (typeof HALT_REASONS)[number]) => b.constant(BigInt(HALT_REASONS.indexOf(r)), 0, span);
  const kill = ctx.globals.states.get("kill_switch");
  const otherwise = kill === undefined ? code("none") : b.select(ctx.readState(kill, span), code("kill_switch"), code("none"), span);
  return b.select(currentPosition(ctx).outside, code("position_range"), otherwise, span);
}
