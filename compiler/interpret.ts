import { EVENT_KIND_NAMES } from "./event-vocabulary.js";
import { roundDiv } from "./interval.js";
import type { Handler, Instr, IrProgram } from "./ir.js";
import { holds } from "./predicate.js";

export type EventInputs = Record<"t" | "a" | "b" | "c" | "d", bigint>;

/**
 * The reference interpreter: the definition of every IR operation, on BigInt, written for clarity.
 * Every target is tested against it.
 */
export class Interpreter {
  readonly state: bigint[];
  readonly outputs: bigint[];
  private params: readonly bigint[] = [];

  /** With `checked`, every value is also tested against its proven interval: range analysis must be sound. */
  constructor(
    private readonly program: IrProgram,
    private readonly checked = false,
  ) {
    this.state = program.state.map((s) => s.init);
    this.outputs = program.outputs.map(() => 0n);
  }

  /** Loads a full parameter vector (base then derived, see parameterVector) and restores initial state. */
  reset(params: readonly bigint[]): void {
    this.params = params;
    this.program.state.forEach((s, i) => (this.state[i] = s.init));
    this.outputs.fill(0n);
  }

  /** Swaps parameters and keeps state: a hot reload. */
  reload(params: readonly bigint[]): void {
    this.params = params;
  }

  get parameters(): readonly bigint[] {
    return this.params;
  }

  /** Applies one event; returns false, changing nothing but clearing outputs, when the guard rejects it. */
  step(kind: number, t: number, a: number, b: number, c: number, d: number): boolean {
    this.outputs.fill(0n);
    // the engine contract: the kind and every field are safe integers, or the event is invalid
    if (![kind, t, a, b, c, d].every(Number.isSafeInteger)) return false;
    const index = this.program.handlers.findIndex((h) => h.event === EVENT_KIND_NAMES[kind]);
    if (index < 0) return false;
    const handler = this.program.handlers[index];
    const inputs = { t: BigInt(t), a: BigInt(a), b: BigInt(b), c: BigInt(c), d: BigInt(d) };
    const values = evaluate(handler, inputs, this.params, this.state, this.program);
    if (this.checked) checkRanges(handler, values);
    const accepted = values[handler.guard] !== 0n;
    if (!accepted) return false;
    for (const w of handler.writes) this.state[w.slot] = values[w.value];
    for (const o of handler.outputs) this.outputs[o.slot] = values[o.value];
    return true;
  }
}

/** Every value of one handler for one event, changing nothing: what the field solver searches with. */
export function evaluate(
  handler: Handler,
  inputs: EventInputs,
  params: readonly bigint[],
  state: readonly bigint[],
  program: IrProgram,
): bigint[] {
  const v: bigint[] = [];
  for (const ins of handler.body) v.push(apply(ins, v, inputs, params, state, program));
  return v;
}

function checkRanges(handler: Handler, values: readonly bigint[]): void {
  for (const ins of handler.body) {
    const x = values[ins.id];
    if (x < ins.range.lo || x > ins.range.hi) throw new RangeError(escapeMessage(ins, x));
  }
}

/** What a checked evaluation reports when a value leaves its proven interval: a range-analysis bug. */
export function escapeMessage(ins: Instr, x: number | bigint): string {
  return `${ins.loc}: ${ins.op} #${ins.id} = ${x} escapes its proven range [${ins.range.lo}, ${ins.range.hi}]`;
}

const bool = (x: boolean) => (x ? 1n : 0n);

function apply(
  ins: Instr,
  v: readonly bigint[],
  inputs: Record<"t" | "a" | "b" | "c" | "d", bigint>,
  params: readonly bigint[],
  state: readonly bigint[],
  program: IrProgram,
): bigint {
  switch (ins.op) {
    case "const":
      return ins.value;
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
      return v[ins.a] < v[ins.b] ? v[ins.a] : v[ins.b];
    case "max":
      return v[ins.a] > v[ins.b] ? v[ins.a] : v[ins.b];
    case "neg":
      return -v[ins.a];
    case "abs":
      return v[ins.a] < 0n ? -v[ins.a] : v[ins.a];
    case "not":
      return bool(v[ins.a] === 0n);
    case "and":
      return bool(v[ins.a] !== 0n && v[ins.b] !== 0n);
    case "or":
      return bool(v[ins.a] !== 0n || v[ins.b] !== 0n);
    case "mul":
      return roundDiv(v[ins.a] * v[ins.b], 1n << BigInt(ins.shift), ins.round);
    case "div": {
      const d = v[ins.b];
      const n = v[ins.a] << BigInt(ins.shift);
      return d < 0n ? roundDiv(-n, -d, "floor") : roundDiv(n, d, "floor");
    }
    case "mod": {
      const r = v[ins.a] % v[ins.b];
      return r < 0n ? r + v[ins.b] : r;
    }
    case "shl":
      return v[ins.a] << BigInt(ins.n);
    case "shr":
      return roundDiv(v[ins.a], 1n << BigInt(ins.n), ins.round);
    case "cmp":
      return bool(holds(ins.pred, v[ins.a], v[ins.b]));
    case "select":
      return v[ins.cond] !== 0n ? v[ins.a] : v[ins.b];
    case "clamp":
      return v[ins.a] < ins.lo ? ins.lo : v[ins.a] > ins.hi ? ins.hi : v[ins.a];
    case "lut": {
      const table = program.luts[ins.table].values;
      const i = v[ins.index];
      if (i < 0n || i >= BigInt(table.length))
        throw new RangeError(`table index ${i} outside ${program.luts[ins.table].name}`);
      return table[Number(i)];
    }
    default: {
      const never: never = ins;
      throw new Error(`unknown op ${JSON.stringify(never)}`);
    }
  }
}
