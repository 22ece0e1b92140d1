import { EVENT_KIND_NAMES } from "./event-vocabulary.js";
import { evalDerived } from "./derived-eval.js";
import * as X from "./exact-math.js";
import { LUT_FUNCTIONS } from "./lut.js";
import { holds } from "./predicate.js";
import type { Handler, Instr, IrProgram, Loc, Rounding } from "./ir.js";

/**
 * The float semantics: what the author meant. The same IR as the reference interpreter, evaluated in
 * float64 with none of the compiler's roundings: a product or quotient is not floored to its format, a
 * narrowing is exact, a table interpolation is the function itself (`Handler.functions`), a derived
 * parameter is its exact value. The roundings marked `kept` in the IR (those the source asks for: floor,
 * round, floor_tick, ...; and the steps of exact algorithms such as a long division) and every clamp and saturation of the language are kept. Values are "raw" numbers
 * as in the exact semantics (value × 2^frac) but real-valued, so both semantics compare slot by slot.
 *
 * This is a yardstick for the numeric model, not a target: its float64 rounding (2^-53 relative per op)
 * is far below the fixed-point steps it measures.
 */
export class FloatInterpreter {
  readonly state: number[];
  readonly outputs: number[];
  private params: readonly number[] = [];
  private readonly tables: readonly Map<number, Handler["functions"][number]>[];

  /** With `roundedAt`, the compiler's roundings at these source locations are applied too: one rounding's share of the error. */
  constructor(
    private readonly program: IrProgram,
    private readonly roundedAt: ReadonlySet<Loc> = new Set(),
  ) {
    this.state = program.state.map((s) => Number(s.init));
    this.outputs = program.outputs.map(() => 0);
    this.tables = program.handlers.map((h) => new Map(h.functions.map((f) => [f.value, f])));
  }

  /** Loads a parameter vector (floatParameterVector) and restores the initial state. */
  reset(params: readonly number[]): void {
    this.params = params;
    this.program.state.forEach((s, i) => (this.state[i] = Number(s.init)));
    this.outputs.fill(0);
  }

  /** Applies one event as the reference interpreter does; false when the guard rejects it. */
  step(kind: number, t: number, a: number, b: number, c: number, d: number): boolean {
    this.outputs.fill(0);
    if (![kind, t, a, b, c, d].every(Number.isSafeInteger)) return false;
    const index = this.program.handlers.findIndex((h) => h.event === EVENT_KIND_NAMES[kind]);
    if (index < 0) return false;
    const handler = this.program.handlers[index];
    const inputs = { t, a, b, c, d };
    const v: number[] = [];
    const functions = this.tables[index];
    for (const ins of handler.body) {
      const f = functions.get(ins.id);
      v.push(
        f
          ? LUT_FUNCTIONS[f.fn].approx(v[f.arg] / 2 ** handler.body[f.arg].frac) * 2 ** ins.frac
          : apply(ins, v, inputs, this.params, this.state, this.program, this.roundedAt.has(ins.loc)),
      );
    }
    if (v[handler.guard] === 0) return false;
    for (const w of handler.writes) this.state[w.slot] = v[w.value];
    for (const o of handler.outputs) this.outputs[o.slot] = v[o.value];
    return true;
  }
}


/** Base parameters as loaded (raw), derived ones exact (not rounded to their slots), clamped to their ranges as loaded. */
export function floatParameterVector(program: IrProgram, baseRaw: readonly bigint[]): number[] {
  const base = program.params.map((p, i) => X.rat(baseRaw[i], 1n << BigInt(p.frac)));
  const out = baseRaw.map(Number);
  const derived: X.Rational[] = [];
  for (const d of program.derived) {
    const scale = X.rat(1n << BigInt(d.frac));
    const lo = X.rat(d.range.lo, 1n << BigInt(d.frac));
    const hi = X.rat(d.range.hi, 1n << BigInt(d.frac));
    const exact = evalDerived(d.expr, base, derived);
    const value = X.cmp(exact, lo) < 0 ? lo : X.cmp(exact, hi) > 0 ? hi : exact;
    derived.push(value);
    out.push(X.toNumber(X.mul(value, scale)));
  }
  return out;
}

const bool = (x: boolean) => (x ? 1 : 0);

function roundTo(x: number, mode: Rounding): number {
  switch (mode) {
    case "floor":
      return Math.floor(x);
    case "ceil":
      return Math.ceil(x);
    case "half_even": {
      const r = Math.floor(x);
      const rest = x - r;
      return rest > 0.5 || (rest === 0.5 && r % 2 !== 0) ? r + 1 : r;
    }
    default: {
      const never: never = mode;
      throw new Error(`unknown rounding ${String(never)}`);
    }
  }
}

function apply(
  ins: Instr,
  v: readonly number[],
  inputs: Record<"t" | "a" | "b" | "c" | "d", number>,
  params: readonly number[],
  state: readonly number[],
  program: IrProgram,
  rounded: boolean,
): number {
  switch (ins.op) {
    case "const":
      return Number(ins.value);
    case "param":
      return params[ins.slot];
    case "state":
      return state[ins.slot];
    case "input":
      return inputs[ins.field];
    case "add":
      return v[ins.a] + v[ins.b];
    case "sub":
      return v[ins.a] - v[ins.b];
    case "min":
      return Math.min(v[ins.a], v[ins.b]);
    case "max":
      return Math.max(v[ins.a], v[ins.b]);
    case "neg":
      return -v[ins.a];
    case "abs":
      return Math.abs(v[ins.a]);
    case "not":
      return bool(v[ins.a] === 0);
    case "and":
      return bool(v[ins.a] !== 0 && v[ins.b] !== 0);
    case "or":
      return bool(v[ins.a] !== 0 || v[ins.b] !== 0);
    case "mul": {
      const p = (v[ins.a] * v[ins.b]) / 2 ** ins.shift;
      return rounded ? roundTo(p, ins.round) : p;
    }
    case "div": {
      const q = (v[ins.a] * 2 ** ins.shift) / v[ins.b];
      return ins.kept || rounded ? Math.floor(q) : q;
    }
    case "mod": {
      const r = v[ins.a] % v[ins.b];
      return r < 0 ? r + v[ins.b] : r;
    }
    case "shl":
      return v[ins.a] * 2 ** ins.n;
    case "shr":
      return ins.kept || rounded ? roundTo(v[ins.a] / 2 ** ins.n, ins.round) : v[ins.a] / 2 ** ins.n;
    case "cmp":
      return bool(holds(ins.pred, v[ins.a], v[ins.b]));
    case "select":
      return v[ins.cond] !== 0 ? v[ins.a] : v[ins.b];
    case "clamp":
      return Math.min(Math.max(v[ins.a], Number(ins.lo)), Number(ins.hi));
    case "lut": {
      // only the interpolation's inner steps read a table, and Handler.functions replaces their result
      const table = program.luts[ins.table].values;
      const i = Math.min(Math.max(Math.floor(v[ins.index]), 0), table.length - 1);
      return Number(table[i]);
    }
    default: {
      const never: never = ins;
      throw new Error(`unknown op ${JSON.stringify(never)}`);
    }
  }
}
