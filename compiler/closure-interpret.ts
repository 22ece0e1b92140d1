import { EVENT_KIND_NAMES } from "./event-vocabulary.js";
import { escapeMessage, evaluate, type EventInputs } from "./interpret.js";
import { roundDiv } from "./interval.js";
import type { Handler, Instr, IrProgram, Rounding } from "./ir.js";

/**
 * A second, faster evaluation of the IR: each instruction compiled once to a closure over float64
 * values. The BigInt interpreter (interpret.ts) stays the definition; this one must give the same bits,
 * and a test checks the two op by op.
 *
 * Why doubles are exact here: every IR value fits in 53 bits (|raw| < 2^53, checked when the IR is
 * built), so it is an exact double. Each value is checked against its proven interval as soon as it is
 * computed, so every operand an op reads is in its interval, and then each op below is exact:
 *   - add, sub, neg, abs, min, max, cmp, select, clamp, lut, mod (fmod is exact): exact on 53-bit values,
 *     or the true result leaves 53 bits, its double too, and the range check catches it;
 *   - mul and div use doubles only where the operands' intervals bound the product (the dividend and
 *     divisor) below 2^51; elsewhere that one op is done in BigInt;
 *   - shifts and roundings are scalings by powers of two, which doubles do exactly.
 * A value outside its interval is a range-analysis bug: the checked evaluation throws the same error as
 * the BigInt interpreter's; the unchecked one (evaluateNumbers) falls back to the BigInt interpreter, so
 * it can never differ from the definition.
 */

/** One instruction: its value from the values before it, the event's fields, the parameters and the state. */
type Op = (v: Float64Array, inp: Float64Array, p: Float64Array, s: Float64Array) => number;

/** Event fields in the order of `inp`. */
const FIELDS = ["t", "a", "b", "c", "d"] as const;

/** Products and dividends the double path takes: below 2^51, so a quotient's correction step stays exact. */
const DOUBLE_LIMIT = 2 ** 51;

export interface CompiledHandler {
  readonly ops: readonly Op[];
  readonly lo: Float64Array;
  readonly hi: Float64Array;
}

/** Per set of tables, per handler: a program variant with an edited table shares the handlers, not the tables. */
const compiled = new WeakMap<IrProgram["luts"], WeakMap<Handler, CompiledHandler>>();

/** The handler's closures, compiled once per handler and tables. */
export function compileHandler(program: IrProgram, h: Handler): CompiledHandler {
  let byHandler = compiled.get(program.luts);
  if (!byHandler) compiled.set(program.luts, (byHandler = new WeakMap()));
  let c = byHandler.get(h);
  if (!c) {
    c = {
      ops: h.body.map((ins) => compileOp(program, h, ins)),
      lo: Float64Array.from(h.body, (i) => Number(i.range.lo)),
      hi: Float64Array.from(h.body, (i) => Number(i.range.hi)),
    };
    byHandler.set(h, c);
  }
  return c;
}

/**
 * Runs the handler into `v`; returns the id of the first value outside its proven interval, or -1.
 * Values after that id are not computed.
 */
export function runCompiled(c: CompiledHandler, v: Float64Array, inp: Float64Array, p: Float64Array, s: Float64Array): number {
  const { ops, lo, hi } = c;
  for (let k = 0; k < ops.length; k++) {
    const x = ops[k](v, inp, p, s);
    if (!(x >= lo[k] && x <= hi[k])) {
      v[k] = x;
      return k;
    }
    v[k] = x;
  }
  return -1;
}

const magnitude = (r: { lo: bigint; hi: bigint }) => Math.max(Math.abs(Number(r.lo)), Math.abs(Number(r.hi)));

function compileOp(program: IrProgram, h: Handler, ins: Instr): Op {
  const range = (id: number) => h.body[id].range;
  switch (ins.op) {
    case "const": {
      const x = Number(ins.value);
      return () => x;
    }
    case "param": {
      const k = ins.slot;
      return (_v, _i, p) => p[k];
    }
    case "state": {
      const k = ins.slot;
      return (_v, _i, _p, s) => s[k];
    }
    case "input": {
      const k = FIELDS.indexOf(ins.field);
      return (_v, inp) => inp[k];
    }
    case "add": {
      const { a, b } = ins;
      return (v) => v[a] + v[b];
    }
    case "sub": {
      const { a, b } = ins;
      return (v) => v[a] - v[b];
    }
    case "min": {
      const { a, b } = ins;
      return (v) => (v[a] < v[b] ? v[a] : v[b]);
    }
    case "max": {
      const { a, b } = ins;
      return (v) => (v[a] > v[b] ? v[a] : v[b]);
    }
    case "neg": {
      const { a } = ins;
      // 0 - x, not -x: a negated zero must stay +0 (only its value matters, but -0 prints oddly)
      return (v) => 0 - v[a];
    }
    case "abs": {
      const { a } = ins;
      return (v) => Math.abs(v[a]);
    }
    case "not": {
      const { a } = ins;
      return (v) => (v[a] === 0 ? 1 : 0);
    }
    case "and": {
      const { a, b } = ins;
      return (v) => (v[a] !== 0 && v[b] !== 0 ? 1 : 0);
    }
    case "or": {
      const { a, b } = ins;
      return (v) => (v[a] !== 0 || v[b] !== 0 ? 1 : 0);
    }
    case "mul": {
      const { a, b, shift, round } = ins;
      if (magnitude(range(a)) * magnitude(range(b)) < DOUBLE_LIMIT) {
        const scale = 2 ** -shift;
        return (v) => roundScaled(v[a] * v[b] * scale, round);
      }
      const d = 1n << BigInt(shift);
      return (v) => Number(roundDiv(BigInt(v[a]) * BigInt(v[b]), d, round));
    }
    case "div": {
      const { a, b, shift } = ins;
      if (magnitude(range(a)) * 2 ** shift < DOUBLE_LIMIT && magnitude(range(b)) < DOUBLE_LIMIT) {
        const scale = 2 ** shift;
        return (v) => floorDiv(v[a] * scale, v[b]);
      }
      const sh = BigInt(shift);
      return (v) => {
        const n = BigInt(v[a]) << sh;
        const d = BigInt(v[b]);
        return Number(d < 0n ? roundDiv(-n, -d, "floor") : roundDiv(n, d, "floor"));
      };
    }
    case "mod": {
      const { a, b } = ins;
      return (v) => {
        const r = v[a] % v[b];
        // fmod keeps the dividend's sign; -0 (a negative multiple of b) is the integer 0
        return r < 0 ? r + v[b] : r + 0;
      };
    }
    case "shl": {
      const { a } = ins;
      const scale = 2 ** ins.n;
      return (v) => v[a] * scale;
    }
    case "shr": {
      const { a, round } = ins;
      const scale = 2 ** -ins.n;
      return (v) => roundScaled(v[a] * scale, round);
    }
    case "cmp": {
      const { a, b } = ins;
      switch (ins.pred) {
        case "lt":
          return (v) => (v[a] < v[b] ? 1 : 0);
        case "le":
          return (v) => (v[a] <= v[b] ? 1 : 0);
        case "eq":
          return (v) => (v[a] === v[b] ? 1 : 0);
        case "ne":
          return (v) => (v[a] !== v[b] ? 1 : 0);
        default: {
          const never: never = ins.pred;
          throw new Error(`unknown predicate ${String(never)}`);
        }
      }
    }
    case "select": {
      const { cond, a, b } = ins;
      return (v) => (v[cond] !== 0 ? v[a] : v[b]);
    }
    case "clamp": {
      const { a } = ins;
      const lo = Number(ins.lo);
      const hi = Number(ins.hi);
      return (v) => (v[a] < lo ? lo : v[a] > hi ? hi : v[a]);
    }
    case "lut": {
      const table = Float64Array.from(program.luts[ins.table].values, Number);
      const { index } = ins;
      // the index was checked against its interval, which lies within the table
      return (v) => table[v[index]];
    }
    default: {
      const never: never = ins;
      throw new Error(`unknown op ${JSON.stringify(never)}`);
    }
  }
}

/** round(x) for x = n / 2^k, exact in a double: the rounding of `roundDiv(n, 2^k, mode)`. */
function roundScaled(x: number, mode: Rounding): number {
  const q = Math.floor(x);
  switch (mode) {
    case "floor":
      return q + 0;
    case "ceil":
      return Math.ceil(x) + 0;
    case "half_even": {
      const r = x - q;
      return r > 0.5 || (r === 0.5 && q % 2 !== 0) ? q + 1 : q + 0;
    }
    default: {
      const never: never = mode;
      throw new Error(`unknown rounding ${String(never)}`);
    }
  }
}

/** floor(n / d) for integers |n|, |d| < 2^51, d ≠ 0: the double quotient, corrected by its remainder. */
function floorDiv(n: number, d: number): number {
  if (d < 0) {
    n = -n;
    d = -d;
  }
  let q = Math.floor(n / d);
  const r = n - q * d;
  if (r < 0) q -= 1;
  else if (r >= d) q += 1;
  return q + 0;
}

/** Observes evaluations as float64 values (exact integers): the coverage recorder. */
export interface NumberObserver {
  observe(handler: number, values: Float64Array, accepted: boolean): void;
}

/**
 * The reference semantics on closures: the checked Interpreter's contract (reset, reload, step, state
 * and outputs after each step; a value outside its proven interval throws the same RangeError), with
 * state and outputs as float64 integers.
 */
export class ClosureInterpreter {
  readonly state: Float64Array;
  readonly outputs: Float64Array;
  private readonly params: Float64Array;
  private readonly handlerOf: Int32Array;
  private readonly handlers: CompiledHandler[];
  private readonly values: Float64Array;
  private readonly inputs = new Float64Array(5);
  observer: NumberObserver | undefined;

  constructor(private readonly program: IrProgram) {
    this.state = Float64Array.from(program.state, (s) => Number(s.init));
    this.outputs = new Float64Array(program.outputs.length);
    this.params = new Float64Array(program.params.length + program.derived.length);
    this.handlerOf = Int32Array.from(EVENT_KIND_NAMES, (name) => program.handlers.findIndex((h) => h.event === name));
    this.handlers = program.handlers.map((h) => compileHandler(program, h));
    this.values = new Float64Array(Math.max(0, ...program.handlers.map((h) => h.body.length)));
  }

  reset(params: readonly bigint[]): void {
    this.reload(params);
    this.program.state.forEach((s, i) => (this.state[i] = Number(s.init)));
    this.outputs.fill(0);
  }

  reload(params: readonly bigint[]): void {
    for (let i = 0; i < params.length; i++) this.params[i] = Number(params[i]);
  }

  step(kind: number, t: number, a: number, b: number, c: number, d: number): boolean {
    this.outputs.fill(0);
    if (!(Number.isSafeInteger(kind) && Number.isSafeInteger(t) && Number.isSafeInteger(a) && Number.isSafeInteger(b) && Number.isSafeInteger(c) && Number.isSafeInteger(d)))
      return false;
    const index = kind >= 0 && kind < this.handlerOf.length ? this.handlerOf[kind] : -1;
    if (index < 0) return false;
    const h = this.program.handlers[index];
    const inp = this.inputs;
    inp[0] = t;
    inp[1] = a;
    inp[2] = b;
    inp[3] = c;
    inp[4] = d;
    const v = this.values;
    const escaped = runCompiled(this.handlers[index], v, inp, this.params, this.state);
    // a range-analysis bug, reported as the checked BigInt interpreter reports it
    if (escaped >= 0) throw new RangeError(escapeMessage(h.body[escaped], v[escaped]));
    const accepted = v[h.guard] !== 0;
    if (this.observer) this.observer.observe(index, v, accepted);
    if (!accepted) return false;
    for (const w of h.writes) this.state[w.slot] = v[w.value];
    for (const o of h.outputs) this.outputs[o.slot] = v[o.value];
    return true;
  }
}

/**
 * Every value of one handler for one event, changing nothing: the BigInt interpreter's `evaluate` as
 * doubles, on closures when every parameter and state value is a safe integer and nothing escapes its
 * interval; otherwise from the BigInt interpreter (then a value beyond 2^53, which only a range-analysis
 * bug makes, is rounded). `stateNumbers`, when given, is `state` as doubles (a probe keeps them).
 */
export function evaluateNumbers(program: IrProgram, handler: Handler, inputs: readonly number[], params: readonly bigint[], state: readonly bigint[], stateNumbers?: Float64Array): Float64Array {
  const v = new Float64Array(handler.body.length);
  if (evaluateInto(program, handler, inputs, params, stateNumbers ?? safeNumbers(state), v)) return v;
  const [t, a, b, cc, d] = inputs.map(BigInt);
  const exact: EventInputs = { t, a, b, c: cc, d };
  return Float64Array.from(evaluate(handler, exact, params, state, program), Number);
}

const scratchInputs = new Float64Array(5);

/** The handler's values into `v` on closures; false (v unusable) when a value escapes or an input is not a safe integer. */
export function evaluateInto(program: IrProgram, handler: Handler, inputs: readonly number[], params: readonly bigint[], state: Float64Array | undefined, v: Float64Array): boolean {
  const p = paramNumbers(params);
  if (!p || !state) return false;
  for (let i = 0; i < 5; i++) scratchInputs[i] = inputs[i];
  return runCompiled(compileHandler(program, handler), v, scratchInputs, p, state) < 0;
}

/** Float64 copies of parameter vectors (which nobody changes), kept per vector: a probe asks many questions under one. */
const paramCopies = new WeakMap<readonly bigint[], Float64Array | null>();

function paramNumbers(xs: readonly bigint[]): Float64Array | undefined {
  let c = paramCopies.get(xs);
  if (c === undefined) paramCopies.set(xs, (c = safeNumbers(xs) ?? null));
  return c ?? undefined;
}

/** The values as doubles, or undefined when one is not a safe integer. */
export function safeNumbers(xs: readonly bigint[]): Float64Array | undefined {
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    out[i] = Number(xs[i]);
    if (!Number.isSafeInteger(out[i])) return undefined;
  }
  return out;
}
