import type { EventKindName } from "./event-vocabulary.js";
import type { Rational } from "./exact-math.js";

/**
 * The IR: typed fixed-width dataflow. Every value is an integer `raw` standing for raw / 2^frac, with an
 * interval proven by range analysis. Targets see only this. Two width rules hold for every program
 * (checked when the IR is built):
 *   - every value fits in 53 bits signed (|raw| < 2^53), so software targets hold it exactly;
 *   - the product inside `mul` fits in 64 bits signed; the shifted dividend inside `div` in 53 bits.
 */

export type Rounding = "floor" | "ceil" | "half_even";

export interface Interval {
  readonly lo: bigint;
  readonly hi: bigint;
}

export type ValueId = number;

/** `file:line:col`, carried into emitted code as a comment. */
export type Loc = string;

export type Op =
  | { readonly op: "const"; readonly value: bigint }
  | { readonly op: "param"; readonly slot: number }
  | { readonly op: "state"; readonly slot: number }
  | { readonly op: "input"; readonly field: InputField }
  | { readonly op: "add" | "sub" | "min" | "max"; readonly a: ValueId; readonly b: ValueId }
  | { readonly op: "neg" | "abs" | "not"; readonly a: ValueId }
  | { readonly op: "and" | "or"; readonly a: ValueId; readonly b: ValueId }
  /** round(a * b / 2^shift) */
  | { readonly op: "mul"; readonly a: ValueId; readonly b: ValueId; readonly shift: number; readonly round: Rounding }
  /**
   * floor(a * 2^shift / b); b's interval excludes 0. (ceil and round of a quotient are a later shr.)
   * `kept`: as for shr.
   */
  | { readonly op: "div"; readonly a: ValueId; readonly b: ValueId; readonly shift: number; readonly kept?: true }
  /** a - b * floor(a / b); b > 0 */
  | { readonly op: "mod"; readonly a: ValueId; readonly b: ValueId }
  | { readonly op: "shl"; readonly a: ValueId; readonly n: number }
  /**
   * round(a / 2^n). `kept`: the float semantics (float-semantics.ts) keeps this rounding too, because the
   * source asked for it (floor, ceil, round, floor_tick, ceil_tick) or because it is a step of an exact
   * algorithm (the first quotient of a long division); every other rounding is the compiler's.
   */
  | { readonly op: "shr"; readonly a: ValueId; readonly n: number; readonly round: Rounding; readonly kept?: true }
  /** 1 if the relation holds, else 0 */
  | { readonly op: "cmp"; readonly pred: CmpPred; readonly a: ValueId; readonly b: ValueId }
  | { readonly op: "select"; readonly cond: ValueId; readonly a: ValueId; readonly b: ValueId }
  | { readonly op: "clamp"; readonly a: ValueId; readonly lo: bigint; readonly hi: bigint }
  /** table[index]; index's interval lies within the table */
  | { readonly op: "lut"; readonly table: number; readonly index: ValueId };

export type CmpPred = "lt" | "le" | "eq" | "ne";

export type Instr = Op & {
  readonly id: ValueId;
  readonly frac: number;
  readonly range: Interval;
  readonly loc: Loc;
};

export type InputField = "t" | "a" | "b" | "c" | "d";

export interface InputSpec {
  readonly field: InputField;
  readonly name: string;
  /** The field's declared range (a book level's quantity may also be 0, an empty level). */
  readonly range: Interval;
}

export interface Handler {
  readonly event: EventKindName;
  readonly inputs: readonly InputSpec[];
  readonly body: readonly Instr[];
  /** 1 when the event's fields are in range and time does not go back; otherwise the event changes nothing. */
  readonly guard: ValueId;
  readonly writes: readonly { readonly slot: number; readonly value: ValueId }[];
  readonly outputs: readonly { readonly slot: number; readonly value: ValueId }[];
  /** Values that a table interpolation computes: what the float semantics evaluates with the function itself. */
  readonly functions: readonly TableFunction[];
}

/** `value` approximates fn(arg), both in their own fixed-point formats. */
export interface TableFunction {
  readonly value: ValueId;
  readonly fn: "ln" | "exp" | "sqrt";
  readonly arg: ValueId;
}

export interface Slot {
  readonly name: string;
  readonly frac: number;
  readonly range: Interval;
  readonly loc: Loc;
  readonly unit: string;
}

export interface ParamSlot extends Slot {
  readonly default: bigint;
}

export interface StateSlot extends Slot {
  readonly init: bigint;
}

/** A parameter-only expression, evaluated once per parameter load in exact arithmetic (derived-eval.ts). */
export type DerivedExpr =
  | { readonly kind: "const"; readonly num: bigint; readonly den: bigint }
  | { readonly kind: "param"; readonly slot: number }
  /** An earlier derived slot (derived slots are computed in order). */
  | { readonly kind: "derived"; readonly slot: number }
  | { readonly kind: "unary"; readonly op: DerivedUnary; readonly a: DerivedExpr }
  | { readonly kind: "binary"; readonly op: DerivedBinary; readonly a: DerivedExpr; readonly b: DerivedExpr };
export type DerivedUnary = "neg" | "abs" | "ln" | "exp" | "sqrt" | "floor" | "ceil" | "not";
export type DerivedBinary =
  "add" | "sub" | "mul" | "div" | "pow" | "min" | "max" | "lt" | "le" | "eq" | "ne" | "and" | "or";

export interface DerivedSlot extends Slot {
  readonly expr: DerivedExpr;
  /**
   * Declared by the author (`let x : T = ...` on parameters only): its range is the declared one and is
   * checked at load, so a parameter set that would take it outside is refused. Otherwise the range is
   * proven and holds for every parameter set.
   */
  readonly checked: boolean;
  /** The source text it was hoisted from, for reports and emitted comments. */
  readonly text: string;
}

export interface Lut {
  readonly name: string;
  readonly values: readonly bigint[];
  readonly frac: number;
  /** max |table interpolation - true function| over the domain, in units of the output. */
  readonly maxError: number;
  readonly description: string;
}

export interface OutputSlot {
  readonly name: string;
  readonly frac: number;
  readonly range: Interval;
  /** ticks, lots, bool, or code (an index into REJECT_REASONS or HALT_REASONS) */
  readonly unit: string;
}

export interface NumericNote {
  readonly loc: Loc;
  readonly message: string;
}

export interface IrProgram {
  readonly name: string;
  readonly sourcePath: string;
  /** The instrument's steps: what market data is converted at. */
  readonly instrument: { readonly name: string; readonly tick: Rational; readonly lot: Rational };
  /** The tightest `quote ... within N ticks` of the source: what `lockstep accuracy` holds the quotes to. */
  readonly quoteBudget?: { readonly ticks: number; readonly loc: Loc };
  readonly params: readonly ParamSlot[];
  /** Derived slots follow the base parameters in the parameter vector: slot = params.length + index. */
  readonly derived: readonly DerivedSlot[];
  readonly state: readonly StateSlot[];
  readonly outputs: readonly OutputSlot[];
  readonly luts: readonly Lut[];
  readonly handlers: readonly Handler[];
  readonly notes: readonly NumericNote[];
  /** The source text, line by line: debug information, so emitted code can quote what a Loc points at. */
  readonly sourceLines: readonly string[];
}

export const REJECT_REASONS = [
  "accepted",
  "kill_switch",
  "order_qty",
  "position",
  "notional",
  "no_reference",
  "price_band",
  "message_rate",
  /** position is outside the instrument's declared range (a risk block without a kill switch) */
  "position_range",
] as const;

/**
 * The built-in output `halt_reason`, after every event: why orders are being refused. position_range
 * while position is outside its declared range; else kill_switch while the kill switch is engaged (by a
 * kill event, or latched by an earlier position breach and not yet released).
 */
export const HALT_REASONS = ["none", "kill_switch", "position_range"] as const;

/**
 * The state slots of the quote a level holds (level k adds `_k`): an event that does not quote keeps it,
 * and the quote outputs after every valid event are read from it (compiler/lower/held-quotes.ts).
 */
export const HELD_QUOTE_STATES = ["held_quote_valid", "held_quote_bid", "held_quote_ask", "held_quote_bid_qty", "held_quote_ask_qty"] as const;

export function isHeldQuoteName(name: string): boolean {
  return HELD_QUOTE_STATES.some((h) => name === h || (name.startsWith(`${h}_`) && /^\d+$/.test(name.slice(h.length + 1))));
}
