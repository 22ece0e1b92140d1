import { ParameterError, parameterVector } from "../../compiler/derived-eval.js";
import type { IrProgram } from "../../compiler/ir.js";
import { EVENT_KIND_NAMES } from "../../runtime/event-tape.js";
import { NOT_AN_INTEGER, type BatchEngine, type TargetEngine } from "./engine.js";
import { isParamStep, RELOAD, RESET, type StreamStep } from "./streams.js";

export interface Divergence {
  /** Index of the step after which the engines first differ (-1: right after the initial reset). */
  readonly step: number;
  readonly target: string;
  readonly what: string;
  readonly expected: bigint | boolean;
  readonly actual: bigint | boolean;
}

/** Time and events an engine spent on the streams: the run's summary reports them per engine. */
export interface Stats {
  events: number;
  ms: number;
}

/**
 * What the reference did, recorded once per stream and compared with every target afterwards: per
 * step, whether it accepted the event and every state slot and output (as doubles: the reference's
 * values are safe integers), and the slots right after the initial reset and each reset step.
 */
class Trace {
  accepted = new Uint8Array(64);
  slots: Float64Array;
  readonly width: number;
  /** Slots right after a reset, by the step of the reset (-1: the initial one). */
  readonly afterReset = new Map<number, Float64Array>();
  /** A checked value that left its proven interval, with the step where it did. */
  failure?: { readonly step: number; readonly message: string };
  /** Steps the reference ran (up to the failure, if any). */
  length = 0;

  constructor(private readonly program: IrProgram) {
    this.width = program.state.length + program.outputs.length;
    this.slots = new Float64Array(this.accepted.length * this.width);
  }

  record(step: number, accepted: boolean, e: TargetEngine): void {
    if (step >= this.accepted.length) {
      const a = new Uint8Array(this.accepted.length * 2);
      a.set(this.accepted);
      this.accepted = a;
      const s = new Float64Array(this.slots.length * 2);
      s.set(this.slots);
      this.slots = s;
    }
    this.accepted[step] = accepted ? 1 : 0;
    readSlots(this.program, e, this.slots, step * this.width);
  }

  slotsAfterReset(step: number, e: TargetEngine): void {
    const row = new Float64Array(this.width);
    readSlots(this.program, e, row, 0);
    this.afterReset.set(step, row);
  }
}

const stateOf = (e: TargetEngine, i: number) => (e.stateNumber ? e.stateNumber(i) : Number(e.state(i)));
const outputOf = (e: TargetEngine, i: number) => (e.outputNumber ? e.outputNumber(i) : Number(e.output(i)));

function readSlots(program: IrProgram, e: TargetEngine, into: Float64Array, at: number): void {
  const states = program.state.length;
  for (let s = 0; s < states; s++) into[at + s] = stateOf(e, s);
  for (let o = 0; o < program.outputs.length; o++) into[at + states + o] = outputOf(e, o);
}

/**
 * Runs one stream through the reference and then through every other engine, comparing the accept flag,
 * every state slot and every output after each step with the reference's, and every slot right after
 * each reset (a reset that leaks state is caught before the first event). Then each target's batch
 * entry point runs the same stream, a batch per run of events between parameter steps, and is compared
 * with the reference: outputs per event, the accepted count, the state at the end of each batch.
 * Slots are compared as doubles: the reference's are safe integers, so equality is integer equality.
 * Returns the first divergence (the earliest step over all targets), or undefined. With `stats`, each
 * engine's time on the stream is added to its entry (created when missing).
 */
export function runStream(
  program: IrProgram,
  base: readonly bigint[],
  stream: readonly StreamStep[],
  reference: TargetEngine,
  targets: readonly TargetEngine[],
  stats?: Map<string, Stats>,
): Divergence | undefined {
  const params = loadable(program, base);
  // a parameter set the program refuses is refused by every target alike: nothing to compare
  if (!params) return undefined;
  let t0 = performance.now();
  const trace = referencePass(program, params, stream, reference);
  if (stats) t0 = account(stats, reference.name, t0, trace.length, stream);
  let first: Divergence | undefined;
  for (const t of targets) {
    let d = targetPass(program, params, stream, trace, t);
    if (!d && t.batch) d = runBatches(program, params, stream, trace, t.batch);
    if (stats) t0 = account(stats, t.name, t0, trace.length, stream);
    if (d && (!first || d.step < first.step)) first = d;
  }
  if (first) return first;
  const f = trace.failure;
  // the checked reference throws when a value escapes its proven range: a compiler bug
  return f && { step: f.step, target: reference.name, what: `the reference step (${f.message})`, expected: true, actual: false };
}

function account(stats: Map<string, Stats>, name: string, t0: number, steps: number, stream: readonly StreamStep[]): number {
  const now = performance.now();
  let s = stats.get(name);
  if (!s) stats.set(name, (s = { events: 0, ms: 0 }));
  s.ms += now - t0;
  for (let i = 0; i < steps; i++) if (!isParamStep(stream[i])) s.events++;
  return now;
}

function referencePass(program: IrProgram, params: bigint[], stream: readonly StreamStep[], reference: TargetEngine): Trace {
  const trace = new Trace(program);
  reference.reset(params);
  trace.slotsAfterReset(-1, reference);
  for (let i = 0; i < stream.length; i++) {
    const e = stream[i];
    if (isParamStep(e)) {
      const next = loadable(program, e.params!);
      if (next && e.kind === RESET) {
        reference.reset(next);
        trace.slotsAfterReset(i, reference);
      } else if (next) reference.reload(next);
      trace.length = i + 1;
      continue;
    }
    let ok: boolean;
    try {
      ok = reference.step(e.kind, e.t, e.a, e.b, e.c, e.d);
    } catch (err) {
      trace.failure = { step: i, message: err instanceof Error ? err.message : String(err) };
      return trace;
    }
    trace.record(i, ok, reference);
    trace.length = i + 1;
  }
  return trace;
}

/** One target over the steps the reference completed; its first divergence from the trace. */
function targetPass(program: IrProgram, params: bigint[], stream: readonly StreamStep[], trace: Trace, t: TargetEngine): Divergence | undefined {
  t.reset(params);
  let d = afterReset(program, -1, trace, t);
  for (let i = 0; i < trace.length && !d; i++) {
    const e = stream[i];
    if (isParamStep(e)) {
      const next = loadable(program, e.params!);
      if (next && e.kind === RESET) {
        t.reset(next);
        d = afterReset(program, i, trace, t);
      } else if (next) t.reload(next);
      continue;
    }
    let got: boolean;
    try {
      got = t.step(e.kind, e.t, e.a, e.b, e.c, e.d);
    } catch (err) {
      // a trap or exception in a target is a disagreement: the reference completed the step
      return { step: i, target: t.name, what: `the step (it threw: ${err instanceof Error ? err.message : String(err)})`, expected: trace.accepted[i] === 1, actual: false };
    }
    if (got !== (trace.accepted[i] === 1)) return { step: i, target: t.name, what: "event accepted", expected: !got, actual: got };
    d = compareSlots(program, i, trace.slots, i * trace.width, t);
  }
  return d;
}

function afterReset(program: IrProgram, step: number, trace: Trace, t: TargetEngine): Divergence | undefined {
  if (t.readableAfterReset === false) return undefined;
  const d = compareSlots(program, step, trace.afterReset.get(step)!, 0, t);
  return d && { ...d, what: `${d.what} right after ${step < 0 ? "the initial reset" : "the reset"}` };
}

function compareSlots(program: IrProgram, step: number, want: Float64Array, at: number, t: TargetEngine): Divergence | undefined {
  const states = program.state.length;
  for (let s = 0; s < states; s++)
    if (stateOf(t, s) !== want[at + s]) return { step, target: t.name, what: `state ${program.state[s].name}`, expected: BigInt(want[at + s]), actual: t.state(s) };
  for (let o = 0; o < program.outputs.length; o++)
    if (outputOf(t, o) !== want[at + states + o])
      return { step, target: t.name, what: `output ${program.outputs[o].name}`, expected: BigInt(want[at + states + o]), actual: t.output(o) };
  return undefined;
}

/** The stream through a batch entry point, one batch per run of events between parameter steps. */
function runBatches(program: IrProgram, params: bigint[], stream: readonly StreamStep[], trace: Trace, b: BatchEngine): Divergence | undefined {
  b.reset(params);
  let start = 0;
  for (let i = 0; i <= trace.length; i++) {
    if (i < trace.length && !isParamStep(stream[i])) continue;
    const d = compareBatch(program, stream, start, i, trace, b);
    if (d) return d;
    if (i < trace.length) {
      const next = loadable(program, stream[i].params!);
      if (next && stream[i].kind === RESET) b.reset(next);
      else if (next) b.reload(next);
    }
    start = i + 1;
  }
  return undefined;
}

function compareBatch(program: IrProgram, stream: readonly StreamStep[], start: number, end: number, trace: Trace, b: BatchEngine): Divergence | undefined {
  if (end === start) return undefined;
  let accepted: number;
  try {
    accepted = b.stepBatch(stream.slice(start, end));
  } catch (err) {
    return { step: start, target: b.name, what: `${b.entry}: the batch of steps ${start}..${end - 1} (it threw: ${err instanceof Error ? err.message : String(err)})`, expected: true, actual: false };
  }
  const states = program.state.length;
  const w = trace.width;
  for (let i = start; i < end; i++)
    for (let o = 0; o < program.outputs.length; o++) {
      const got = b.batchOutput(i - start, o);
      const want = trace.slots[i * w + states + o];
      if (got !== want) return { step: i, target: b.name, what: `${b.entry}: output ${program.outputs[o].name}`, expected: BigInt(want), actual: exactOrMarker(got) };
    }
  let want = 0;
  for (let i = start; i < end; i++) want += trace.accepted[i];
  if (accepted !== want)
    return { step: end - 1, target: b.name, what: `${b.entry}: events accepted in steps ${start}..${end - 1}`, expected: BigInt(want), actual: BigInt(accepted) };
  const last = (end - 1) * w;
  for (let s = 0; s < states; s++)
    if (b.state(s) !== BigInt(trace.slots[last + s]))
      return { step: end - 1, target: b.name, what: `${b.entry}: state ${program.state[s].name} at the end of the batch`, expected: BigInt(trace.slots[last + s]), actual: b.state(s) };
  return undefined;
}

/**
 * Parameter vectors already computed, per program. Derived parameters are exact rational arithmetic
 * (exp, ln, gcds): for glft a vector cost more than simulating the stream it was loaded for, and the
 * same base sets come back stream after stream. Bounded: cleared when it holds MEMO_LIMIT sets.
 */
const memo = new WeakMap<IrProgram, Map<string, bigint[] | undefined>>();
const MEMO_LIMIT = 20_000;

/** The parameter vector, or undefined when a checked derived parameter refuses the set. */
export function loadable(program: IrProgram, base: readonly bigint[]): bigint[] | undefined {
  let known = memo.get(program);
  if (!known) memo.set(program, (known = new Map()));
  const key = base.join(",");
  if (!known.has(key)) {
    if (known.size >= MEMO_LIMIT) known.clear();
    known.set(key, vectorOrRefusal(program, base));
  }
  // a copy: no caller can change what the next one gets
  return known.get(key)?.slice();
}

function vectorOrRefusal(program: IrProgram, base: readonly bigint[]): bigint[] | undefined {
  try {
    return parameterVector(program, base);
  } catch (e) {
    if (e instanceof ParameterError) return undefined;
    throw e;
  }
}

export function describeStep(e: StreamStep): string {
  if (e.kind === RELOAD) return `reload parameters [${e.params!.join(", ")}]`;
  if (e.kind === RESET) return `reset with parameters [${e.params!.join(", ")}]`;
  return `${EVENT_KIND_NAMES[e.kind] ?? `kind ${e.kind}`} t=${e.t} a=${e.a} b=${e.b} c=${e.c} d=${e.d}`;
}

/** A double read from a target, as the report shows it: the integer, or a marker for a non-integer. */
const exactOrMarker = (x: number) => (Number.isSafeInteger(x) ? BigInt(x) : NOT_AN_INTEGER);
