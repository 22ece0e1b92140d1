import type { Diagnostics } from "../../language/diagnostic.js";
import { lineCol, type SourceFile } from "../../language/source-file.js";
import type { Span } from "../../language/span.js";
import type { RBounds } from "../derived-bounds.js";
import type * as X from "../exact-math.js";
import type { DerivedSlot, Interval, Loc, Lut, NumericNote, ParamSlot, StateSlot } from "../ir.js";
import { showUnit, type Unit } from "../units.js";


export interface InstrumentInfo {
  readonly name: string;
  readonly tick: X.Rational;
  readonly lot: X.Rational;
  readonly multiplier: X.Rational;
  readonly price: Interval;
  readonly qty: Interval;
  readonly position: Interval;
}

export interface ParamInfo {
  readonly slot: number;
  readonly unit: Unit;
  readonly bounds: RBounds;
}

/** Everything the lowering accumulates for one program: slots, tables, notes. */
export class ProgramModel {
  readonly params: ParamSlot[] = [];
  readonly paramInfo = new Map<string, ParamInfo>();
  readonly derived: DerivedSlot[] = [];
  readonly derivedByKey = new Map<string, number>();
  readonly state: StateSlot[] = [];
  readonly luts: Lut[] = [];
  readonly lutByKey = new Map<string, number>();
  readonly notes: NumericNote[] = [];
  quoteBudget: { ticks: number; loc: Loc } | undefined;
  /** Unit vectors of state slots (the IR slot keeps only their printed form). */
  readonly stateUnits = new Map<number, Unit>();
  /** States Lockstep maintains (position, book, ...) and states defined by primitives: not assignable. */
  readonly builtinStates = new Set<string>();
  readonly primitiveStates = new Set<string>();
  /** Per quote level, the state slots of the quote it holds (valid, bid, ask, bid_qty, ask_qty): see held-quotes.ts. */
  readonly heldQuotes = new Map<number, readonly number[]>();
  /** Names whose declaration was rejected: their uses are not reported again as unknown. */
  readonly rejectedNames = new Set<string>();

  constructor(
    readonly file: SourceFile,
    readonly diags: Diagnostics,
    readonly instrument: InstrumentInfo,
  ) {}

  loc = (span: Span): Loc => {
    if (span.start === 0 && span.end === 0) return "builtin";
    const { line, col } = lineCol(this.file, span.start);
    return `${this.file.path.split("/").pop()}:${line}:${col}`;
  };

  /** Loop variables of the for loops being unrolled, e.g. "level = 2", so reports tell the copies apart. */
  readonly unrolling: string[] = [];

  text = (span: Span): string => {
    const source = this.file.text.slice(span.start, span.end).replace(/\s+/g, " ");
    return this.unrolling.length ? `${source} [${this.unrolling.join(", ")}]` : source;
  };

  /** A state slot; a condition (`bool`) is said so explicitly, as it reads as true/false in expressions. */
  addState(slot: Omit<StateSlot, "unit">, unit: Unit, condition = false): number {
    this.state.push({ ...slot, unit: condition ? "bool" : showUnit(unit) });
    this.stateUnits.set(this.state.length - 1, unit);
    return this.state.length - 1;
  }
}
