import { evaluateInto, evaluateNumbers, safeNumbers } from "../../compiler/closure-interpret.js";
import { Interpreter } from "../../compiler/interpret.js";
import type { IrProgram } from "../../compiler/ir.js";
import { EVENT_KIND_NAMES, type EventFields } from "../../runtime/event-tape.js";
import { RESET, isParamStep, type StreamStep } from "./streams.js";
import { loadable } from "./run-agreement.js";

/** The reference's values for one more event, evaluated without changing anything. */
export interface Evaluation {
  readonly handler: number;
  /** As doubles: exact integers (the values of a sound range analysis are below 2^53). */
  readonly values: Float64Array;
  readonly accepted: boolean;
}

/**
 * The reference after a prefix of a stream, for asking "what would this tail do?" many times: each
 * question copies the state, so the prefix runs once. The solver searches with it.
 */
export class Probe {
  readonly it: Interpreter;
  /** Time of the last accepted event (time may not go back). */
  time: number;
  /** Tails evaluated so far: what the solver has spent. */
  evaluations = 0;
  /** The state as doubles, for the questions asked before the next push (undefined: not safe integers). */
  private stateNumbers: Float64Array | undefined | null = null;

  constructor(
    private readonly program: IrProgram,
    params: readonly bigint[],
    prefix: readonly StreamStep[],
  ) {
    this.it = new Interpreter(program);
    this.it.reset(params);
    this.time = 0;
    for (const s of prefix) this.push(s);
  }

  /** Runs one more step of the stream; returns whether the reference accepted it. */
  push(s: StreamStep): boolean {
    this.stateNumbers = null;
    if (isParamStep(s)) {
      const next = loadable(this.program, s.params!);
      if (next && s.kind === RESET) {
        this.it.reset(next);
        this.time = 0;
      } else if (next) this.it.reload(next);
      return true;
    }
    const ok = this.it.step(s.kind, s.t, s.a, s.b, s.c, s.d);
    if (ok) this.time = Math.max(this.time, s.t);
    return ok;
  }

  /**
   * Runs all but the last event of `tail` on a copy, then evaluates the last (in `program`, a variant of
   * the probe's with the same layout, if given); undefined if an earlier one is refused.
   */
  evaluate(tail: readonly EventFields[], program: IrProgram = this.program): Evaluation | undefined {
    this.evaluations++;
    let state: readonly bigint[] = this.it.state;
    if (this.stateNumbers === null) this.stateNumbers = safeNumbers(state);
    let numbers = this.stateNumbers;
    const ahead = tail.length > 1 && numbers ? this.stepAhead(tail, numbers) : "escaped";
    if (ahead === undefined) return undefined;
    if (tail.length > 1 && ahead !== "escaped") {
      numbers = ahead;
      state = Array.from(ahead, BigInt);
    } else if (tail.length > 1) {
      const copy = new Interpreter(this.program);
      copy.reset(this.it.parameters);
      this.it.state.forEach((v, i) => (copy.state[i] = v));
      for (const e of tail.slice(0, -1)) if (!copy.step(e.kind, e.t, e.a, e.b, e.c, e.d)) return undefined;
      state = copy.state;
      numbers = undefined;
    }
    const e = tail[tail.length - 1];
    if (![e.kind, e.t, e.a, e.b, e.c, e.d].every(Number.isSafeInteger)) return undefined;
    const handler = this.program.handlers.findIndex((h) => h.event === EVENT_KIND_NAMES[e.kind]);
    if (handler < 0) return undefined;
    // the variant's handler: a variant may change an instruction (a rounding), not only a table
    const h = program.handlers[handler];
    const values = evaluateNumbers(program, h, [e.t, e.a, e.b, e.c, e.d], this.it.parameters, state, numbers);
    return { handler, values, accepted: values[h.guard] !== 0 };
  }

  /**
   * All but the last event of `tail` on a copy of the state as doubles: the state before the last, or
   * undefined if one is refused, or "escaped" when a value leaves its interval (then the BigInt
   * interpreter answers).
   */
  private stepAhead(tail: readonly EventFields[], from: Float64Array): Float64Array | undefined | "escaped" {
    const state = Float64Array.from(from);
    for (let k = 0; k < tail.length - 1; k++) {
      const e = tail[k];
      if (![e.kind, e.t, e.a, e.b, e.c, e.d].every(Number.isSafeInteger)) return undefined;
      const h = this.program.handlers.find((x) => x.event === EVENT_KIND_NAMES[e.kind]);
      if (!h) return undefined;
      const v = new Float64Array(h.body.length);
      if (!evaluateInto(this.program, h, [e.t, e.a, e.b, e.c, e.d], this.it.parameters, state, v)) return "escaped";
      if (v[h.guard] === 0) return undefined;
      for (const w of h.writes) state[w.slot] = v[w.value];
    }
    return state;
  }

  /**
   * Whether the last event of `tail` shows table entry `entry`: with the entry one LSB higher, some
   * state it writes or output differs. A read whose effect every later rounding absorbs tests nothing.
   */
  observes(tail: readonly EventFields[], table: number, entry: number): boolean {
    const plain = this.evaluate(tail);
    const bumped = this.evaluate(tail, this.bumped(table, entry));
    if (!plain || !bumped || !plain.accepted) return false;
    const h = this.program.handlers[plain.handler];
    return [...h.writes, ...h.outputs].some((w) => plain.values[w.value] !== bumped.values[w.value]);
  }

  private readonly variants = new Map<string, IrProgram>();

  private bumped(table: number, entry: number): IrProgram {
    const key = `${table}:${entry}`;
    let p = this.variants.get(key);
    if (!p) {
      const luts = this.program.luts.map((l, i) => (i === table ? { ...l, values: l.values.map((v, k) => (k === entry ? v + 1n : v)) } : l));
      p = { ...this.program, luts };
      this.variants.clear();
      this.variants.set(key, p);
    }
    return p;
  }
}
