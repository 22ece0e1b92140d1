import type { Span } from "../../language/span.js";
import type { Num } from "../ir-builder.js";
import { iv } from "../interval.js";
import type { Interval } from "../ir.js";
import type { HandlerContext, QuoteVals } from "./handler-context.js";

/** What a quote outside the instrument's ranges becomes: `else clamp` or `else cancel` (the default). */
export type OnUnsafe = "clamp" | "cancel";

export const ON_UNSAFE: readonly OnUnsafe[] = ["clamp", "cancel"];

/**
 * A quote that cannot be wrong by construction: prices within the instrument's price range, sizes within
 * [0, its largest quantity], the bid below the ask. Each bound the proven interval already keeps costs
 * nothing; each other one is a clamp (`clamp`) or a condition of `quote_valid` (`cancel`, and the
 * crossing under both: no clamp uncrosses a quote without choosing a side). The emitted prices and sizes
 * are the clamped values, so their proven intervals lie in the ranges; a quote that fails is cancelled:
 * `quote_valid = 0` and every quote output 0.
 */
export function guardQuote(q: Omit<QuoteVals, "valid">, onUnsafe: OnUnsafe, span: Span, ctx: HandlerContext): QuoteVals {
  const { b } = ctx;
  const { price, qty } = ctx.model.instrument;
  const checks: Num[] = [];
  const within = (v: Num, r: Interval): Num => {
    if (onUnsafe === "cancel" && v.range.lo < r.lo) checks.push(b.cmp("le", b.constant(r.lo, 0, span), v, span));
    if (onUnsafe === "cancel" && v.range.hi > r.hi) checks.push(b.cmp("le", v, b.constant(r.hi, 0, span), span));
    return b.clamp(v, r.lo, r.hi, span);
  };
  const sizes = iv(0n, qty.hi);
  const bid = within(q.bid, price);
  const ask = within(q.ask, price);
  const bidQty = within(q.bidQty, sizes);
  const askQty = q.askQty.id === q.bidQty.id ? bidQty : within(q.askQty, sizes);
  if (bid.range.hi >= ask.range.lo) checks.push(b.cmp("lt", bid, ask, span));
  if (checks.length === 0) return { valid: b.constant(1n, 0, span), bid, ask, bidQty, askQty };
  const valid = checks.reduce((all, c) => b.and(all, c, span));
  const zero = b.constant(0n, 0, span);
  const pick = (v: Num) => b.select(valid, v, zero, span);
  return { valid, bid: pick(bid), ask: pick(ask), bidQty: pick(bidQty), askQty: pick(askQty) };
}
