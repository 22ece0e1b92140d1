import type { Span } from "../../language/span.js";
import type { EventKindName } from "../event-vocabulary.js";
import { iv, LIMIT_53 } from "../interval.js";
import type { Num } from "../ir-builder.js";
import type { InputField, InputSpec, Interval } from "../ir.js";
import { NONE, PRICE, QTY, TIME, type Unit } from "../units.js";
import { TIME_MAX } from "./declarations.js";
import { numVal } from "./expr.js";
import type { HandlerContext } from "./handler-context.js";
import { TIMER_USED } from "./names-used.js";
import { currentPosition, exactPositionRange, settleFill } from "./position.js";
import type { InstrumentInfo, ProgramModel } from "./program-model.js";

const NO_SPAN: Span = { start: 0, end: 0 };
const SIDE = iv(-1n, 1n);

/** What a valid event holds in a field, beyond being a safe integer. */
type Validity =
  /** within `range` */
  | "range"
  /** within `range`, or 0: a book level's quantity, where 0 is an empty level */
  | "range_or_zero"
  /** exactly -1 or +1 */
  | "side";

interface FieldSpec {
  readonly field: InputField;
  readonly name: string;
  readonly range: Interval;
  readonly unit: Unit;
  readonly validity: Validity;
}

/**
 * The fields of each event kind, named as the language sees them, with what a valid event holds (the
 * rule is written down in the README's numeric model). Trade and fill quantities are in the declared
 * quantity range; a book level's is too, or 0 for an empty level. An order's quantity only has to be a
 * quantity the market can express, [0, max]: one below the declared minimum is refused by the risk
 * check (reason order_qty), as an order of 0 lots is, not dropped as an invalid event.
 */
export function eventFields(kind: EventKindName, ins: InstrumentInfo): FieldSpec[] {
  const px = ins.price;
  const trio = (prefix: string, qty: Interval): FieldSpec[] => [
    { field: "a", name: `${prefix}_price`, range: px, unit: PRICE, validity: "range" },
    { field: "b", name: `${prefix}_qty`, range: qty, unit: QTY, validity: "range" },
    { field: "c", name: `${prefix}_side`, range: SIDE, unit: NONE, validity: "side" },
  ];
  const level = (field: InputField, name: string): FieldSpec => ({
    field,
    name,
    range: ins.qty,
    unit: QTY,
    validity: "range_or_zero",
  });
  switch (kind) {
    case "book":
      return [
        { field: "a", name: "bid", range: px, unit: PRICE, validity: "range" },
        level("b", "bid_qty"),
        { field: "c", name: "ask", range: px, unit: PRICE, validity: "range" },
        level("d", "ask_qty"),
      ];
    case "trade":
      return trio("trade", ins.qty);
    case "fill":
      return trio("fill", ins.qty);
    case "order":
      return trio("order", iv(0n, ins.qty.hi));
    case "kill":
      return [{ field: "a", name: "kill_on", range: iv(0n, 1n), unit: NONE, validity: "range" }];
    case "timer":
      return [];
    default: {
      const never: never = kind;
      throw new Error(`unknown event ${String(never)}`);
    }
  }
}

export const BOOK_STATES = ["bid", "bid_qty", "ask", "ask_qty"] as const;

/** States every program has; Lockstep updates them before any user code runs. */
export function declareBuiltinStates(model: ProgramModel, states: Map<string, number>, used: ReadonlySet<string>): void {
  const ins = model.instrument;
  const add = (name: string, range: Interval, unit: Unit) => {
    states.set(name, model.addState({ name, frac: 0, range, init: 0n, loc: "builtin" }, unit));
    model.builtinStates.add(name);
  };
  add("position", exactPositionRange(ins), QTY);
  add("bid", iv(0n, ins.price.hi), PRICE);
  add("bid_qty", iv(0n, ins.qty.hi), QTY);
  add("ask", iv(0n, ins.price.hi), PRICE);
  add("ask_qty", iv(0n, ins.qty.hi), QTY);
  add("last_trade", iv(0n, ins.price.hi), PRICE);
  add("last_time", iv(0n, TIME_MAX), TIME);
  // only a program that reads since_fill pays for the register
  if (used.has("since_fill")) add("last_fill_time", iv(0n, TIME_MAX), TIME);
  if (used.has(TIMER_USED)) add("timer_deadline", iv(0n, TIME_MAX), TIME);
}

/**
 * The prologue of every handler: read and validate the fields, expose them clamped to their ranges (so
 * that analysis stays sound even for an event the guard rejects), and apply Lockstep's own updates.
 * Returns the guard: 1 when every field is in range and time does not go back.
 */
export function lowerPrologue(ctx: HandlerContext, inputs: InputSpec[]): Num {
  const { b, model } = ctx;
  const states = ctx.globals.states;
  const anyRaw = iv(-LIMIT_53, LIMIT_53);
  let guard: Num | undefined;
  const require = (ok: Num) => (guard = guard ? b.and(guard, ok, NO_SPAN) : ok);
  const readField = (field: InputField, name: string, range: Interval, validity: Validity): Num => {
    inputs.push({ field, name, range });
    // what the program sees: the hull of the valid values, 0 included for an empty book level
    const widened = validity === "range_or_zero" && range.lo > 0n;
    const seen = widened ? iv(0n, range.hi) : range;
    const raw = b.input(field, anyRaw, NO_SPAN);
    const clamped = b.clamp(raw, seen.lo, seen.hi, NO_SPAN);
    switch (validity) {
      case "range":
      case "range_or_zero": {
        if (!widened) {
          require(b.cmp("eq", clamped, raw, NO_SPAN));
          break;
        }
        const inRange = b.cmp("eq", b.clamp(raw, range.lo, range.hi, NO_SPAN), raw, NO_SPAN);
        require(b.or(inRange, b.cmp("eq", raw, b.constant(0n, 0, NO_SPAN), NO_SPAN), NO_SPAN));
        break;
      }
      case "side":
        require(b.cmp("eq", b.abs(raw, NO_SPAN), b.constant(1n, 0, NO_SPAN), NO_SPAN));
        break;
      default: {
        const never: never = validity;
        throw new Error(`unknown validity ${String(never)}`);
      }
    }
    return clamped;
  };
  const t = readField("t", "t", iv(0n, TIME_MAX), "range");
  require(b.cmp("ge", t, ctx.readState(states.get("last_time")!, NO_SPAN), NO_SPAN));
  ctx.writeState(states.get("last_time")!, t);
  ctx.fields.set("now", numVal(t, TIME));
  const values = new Map<string, Num>();
  for (const f of eventFields(ctx.event, model.instrument)) {
    const v = readField(f.field, f.name, f.range, f.validity);
    values.set(f.name, v);
    if (ctx.event !== "book" && ctx.event !== "kill") ctx.fields.set(f.name, numVal(v, f.unit));
  }
  applyBuiltinUpdates(ctx, values);
  ctx.fields.set("position", numVal(currentPosition(ctx).view, QTY));
  const timer = states.get("timer_deadline");
  if (timer !== undefined && ctx.event === "timer") {
    // a timer event before the deadline (or with none armed) is valid but runs nothing; a due one disarms
    const at = ctx.readState(timer, NO_SPAN);
    const due = b.and(b.cmp("ne", at, b.constant(0n, 0, NO_SPAN), NO_SPAN), b.cmp("ge", t, at, NO_SPAN), NO_SPAN);
    ctx.writeState(timer, b.select(due, b.constant(0n, 0, NO_SPAN), at, NO_SPAN));
    ctx.fields.set("timer_due", numVal(due, NONE, true));
  }
  const lastFill = states.get("last_fill_time");
  if (lastFill !== undefined) {
    if (ctx.event === "fill") ctx.writeState(lastFill, t);
    // ns since the last fill (0 in the fill's own handler), or since the session start before the first
    const since = b.max(b.sub(t, ctx.event === "fill" ? t : ctx.readState(lastFill, NO_SPAN), NO_SPAN), b.constant(0n, 0, NO_SPAN), NO_SPAN);
    ctx.fields.set("since_fill", numVal(since, TIME));
  }
  return guard!;
}

function applyBuiltinUpdates(ctx: HandlerContext, values: Map<string, Num>): void {
  const { b } = ctx;
  const states = ctx.globals.states;
  switch (ctx.event) {
    case "book":
      for (const name of BOOK_STATES) ctx.writeState(states.get(name)!, values.get(name)!);
      return;
    case "trade":
      ctx.writeState(states.get("last_trade")!, values.get("trade_price")!);
      return;
    case "fill": {
      const slot = states.get("position")!;
      const signed = b.mul(values.get("fill_side")!, values.get("fill_qty")!, NO_SPAN);
      const next = b.add(ctx.readState(slot, NO_SPAN), signed, NO_SPAN);
      const { exact, outside } = settleFill(next, ctx);
      ctx.writeState(slot, exact);
      const kill = states.get("kill_switch");
      if (kill !== undefined) ctx.writeState(kill, b.or(ctx.readState(kill, NO_SPAN), outside, NO_SPAN));
      return;
    }
    case "kill": {
      const slot = states.get("kill_switch");
      if (slot === undefined) return;
      // a release is refused while position is outside its declared range: the breach still holds
      ctx.writeState(slot, b.or(values.get("kill_on")!, currentPosition(ctx).outside, NO_SPAN));
      return;
    }
    case "order":
    case "timer":
      return;
    default: {
      const never: never = ctx.event;
      throw new Error(`unknown event ${String(never)}`);
    }
  }
}

/** `mid`: (bid + ask) / 2 of the latest book, exact with one fraction bit. */
export function midOf(ctx: HandlerContext, span: Span): Num {
  const states = ctx.globals.states;
  const sum = ctx.b.add(ctx.readState(states.get("bid")!, span), ctx.readState(states.get("ask")!, span), span);
  return { ...sum, frac: 1 };
}
