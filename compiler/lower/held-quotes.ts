import type { Span } from "../../language/span.js";
import type { Num } from "../ir-builder.js";
import { hull, iv, point } from "../interval.js";
import { NONE, PRICE, QTY } from "../units.js";
import type { HandlerContext, QuoteVals } from "./handler-context.js";
import type { ProgramModel } from "./program-model.js";
import { HELD_QUOTE_STATES } from "../ir.js";

/**
 * The quote outputs after every valid event are the quote that should be resting: an event that does not
 * quote keeps the one its strategy issued last, `cancel` pulls every level, and `quote_valid = 0` means
 * "nothing resting" (cancel). Each quoted level holds its quote in five state slots, committed with the
 * event's other state writes (so an invalid event changes nothing).
 */
const FIELDS = ["valid", "bid", "ask", "bidQty", "askQty"] as const;
const NO_SPAN: Span = { start: 0, end: 0 };


/** The held quote's slots of `level`, allocated when a level is first quoted. */
export function heldSlots(level: number, model: ProgramModel): readonly number[] {
  const known = model.heldQuotes.get(level);
  if (known) return known;
  const { price, qty } = model.instrument;
  const ranges = [iv(0n, 1n), hull(point(0n), price), hull(point(0n), price), iv(0n, qty.hi), iv(0n, qty.hi)];
  const units = [NONE, PRICE, PRICE, QTY, QTY];
  const slots = HELD_QUOTE_STATES.map((name, i) =>
    model.addState({ name: level === 0 ? name : `${name}_${level}`, frac: 0, range: ranges[i], init: 0n, loc: "builtin" }, units[i], i === 0),
  );
  model.heldQuotes.set(level, slots);
  return slots;
}

function fromFields(values: readonly Num[]): QuoteVals {
  return { valid: values[0], bid: values[1], ask: values[2], bidQty: values[3], askQty: values[4] };
}

/** The quote `level` held when the event arrived. */
function heldAtStart(level: number, ctx: HandlerContext): QuoteVals {
  return fromFields(heldSlots(level, ctx.model).map((slot) => ctx.readEventStart(slot, NO_SPAN)));
}

function noQuote(span: Span, ctx: HandlerContext): QuoteVals {
  const zero = ctx.b.constant(0n, 0, span);
  return fromFields(FIELDS.map(() => zero));
}

function selectQuote(cond: Num, a: QuoteVals, b: QuoteVals, span: Span, ctx: HandlerContext): QuoteVals {
  return fromFields(FIELDS.map((f) => ctx.b.select(cond, a[f], b[f], span)));
}

/** What `level` stands at so far in an event: its last quote, else cancelled or kept. */
function quoteNow(level: number, quotes: ReadonlyMap<number, QuoteVals>, cancelled: Num | undefined, span: Span, ctx: HandlerContext): QuoteVals {
  const q = quotes.get(level);
  if (q) return q;
  const held = heldAtStart(level, ctx);
  return cancelled ? selectQuote(cancelled, noQuote(span, ctx), held, span, ctx) : held;
}

export interface QuoteBranch {
  readonly quotes: ReadonlyMap<number, QuoteVals>;
  readonly cancelled: Num | undefined;
}

/** After `if cond`: each level quoted in either branch is a select; so is a cancel that ran in one only. */
export function mergeQuoteBranches(cond: Num, a: QuoteBranch, b: QuoteBranch, span: Span, ctx: HandlerContext): void {
  ctx.quotes = new Map();
  for (const level of new Set([...a.quotes.keys(), ...b.quotes.keys()])) {
    const x = quoteNow(level, a.quotes, a.cancelled, span, ctx);
    const y = quoteNow(level, b.quotes, b.cancelled, span, ctx);
    ctx.quotes.set(level, x === y ? x : selectQuote(cond, x, y, span, ctx));
  }
  if (a.cancelled === b.cancelled) ctx.cancelled = a.cancelled;
  else {
    const zero = ctx.b.constant(0n, 0, span);
    ctx.cancelled = ctx.b.select(cond, a.cancelled ?? zero, b.cancelled ?? zero, span);
  }
}

/** `cancel`: every level stands cancelled unless the event quotes it again. */
export function cancelQuotes(span: Span, ctx: HandlerContext): void {
  ctx.quotes = new Map();
  ctx.cancelled = ctx.b.constant(1n, 0, span);
}

/** At the end of an event: each held level's quote, written back where it changed; the outputs by level. */
export function commitQuotes(ctx: HandlerContext): Map<number, QuoteVals> {
  const out = new Map<number, QuoteVals>();
  for (const [level, slots] of ctx.model.heldQuotes) {
    const q = quoteNow(level, ctx.quotes, ctx.cancelled, NO_SPAN, ctx);
    const held = heldAtStart(level, ctx);
    FIELDS.forEach((f, i) => {
      if (q[f].id !== held[f].id) ctx.writeState(slots[i], q[f]);
    });
    out.set(level, q);
  }
  return out;
}
