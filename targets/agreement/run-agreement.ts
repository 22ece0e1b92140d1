import { ParameterError, parameterVector } from "../../compiler/derived-eval.js";
import type { IrProgram } from "../../compiler/ir.js";
import { EVENT_KIND_NAMES } from "../../runtime/event-tape.js";
import type { BatchEngine, TargetEngine } from "./engine.js";
import { isParamStep, RELOAD, RESET, type StreamStep } from "./streams.js";

export interface Divergence {
  /** Index of the step after which the engines first differ (-1: right after the initial reset). */
  readonly step: number;
  readonly target: string;
  readonly what: string;
  readonly expected: bigint | boolean;
  readonly actual: bigint | boolean;
}

/** What the reference did on each step: the batch entry points are compared with it afterwards. */
interface Trace {
  readonly accepted: boolean[];
  readonly outputs: bigint[][];
  /** State after each step that ends a batch (before a reload or reset, and at the end). */
  readonly states: Map<number, bigint[]>;
}

/**
 * Runs one stream through the reference and every other engine, comparing the accept flag, every
 * state slot and every output after each step, and every state slot and output right after a reset
 * (a reset that leaks state is caught before the first event). Then each target's batch entry point
 * runs the same stream, a batch per run of events between parameter steps, and is compared with the
 * reference: outputs per event, the accepted count, the state at the end of each batch.
 * Returns the first divergence, or undefined.
 */
export function runStream(
  program: IrProgram,
  base: readonly bigint[],
  stream: readonly StreamStep[],
  reference: TargetEngine,
  targets: readonly TargetEngine[],
): Divergence | undefined {
  const params = loadable(program, base);
  // a parameter set the program refuses is refused by every target alike: nothing to compare
  if (!params) return undefined;
  const batches = targets.flatMap((t) => (t.batch ? [t.batch] : []));
  const trace: Trace | undefined = batches.length ? { accepted: [], outputs: [], states: new Map() } : undefined;
  reference.reset(params);
  for (const t of targets) t.reset(params);
  const afterReset = compareAll(program, -1, reference, targets);
  if (afterReset) return afterReset;
  for (let i = 0; i < stream.length; i++) {
    const e = stream[i];
    if (isParamStep(e)) {
      if (trace) trace.states.set(i - 1, snapshot(program, reference));
      const next = loadable(program, e.params!);
      if (!next) continue;
      if (e.kind === RESET) {
        reference.reset(next);
        for (const t of targets) t.reset(next);
        const d = compareAll(program, i, reference, targets);
        if (d) return d;
      } else {
        reference.reload(next);
        for (const t of targets) t.reload(next);
      }
      continue;
    }
    let ok: boolean;
    try {
      ok = reference.step(e.kind, e.t, e.a, e.b, e.c, e.d);
    } catch (err) {
      // the checked interpreter throws when a value escapes its proven range: a compiler bug
      return { step: i, target: reference.name, what: `the reference step (${err instanceof Error ? err.message : String(err)})`, expected: true, actual: false };
    }
    if (trace) {
      trace.accepted[i] = ok;
      trace.outputs[i] = program.outputs.map((_, o) => reference.output(o));
    }
    for (const t of targets) {
      let got: boolean;
      try {
        got = t.step(e.kind, e.t, e.a, e.b, e.c, e.d);
      } catch (err) {
        // a trap or exception in a target is a disagreement: the reference completed the step
        return { step: i, target: t.name, what: `the step (it threw: ${err instanceof Error ? err.message : String(err)})`, expected: ok, actual: false };
      }
      if (got !== ok) return { step: i, target: t.name, what: "event accepted", expected: ok, actual: got };
      const d = compareSlots(program, i, reference, t);
      if (d) return d;
    }
  }
  if (!trace) return undefined;
  trace.states.set(stream.length - 1, snapshot(program, reference));
  for (const b of batches) {
    const d = runBatches(program, params, stream, trace, b);
    if (d) return d;
  }
  return undefined;
}

function compareAll(program: IrProgram, step: number, reference: TargetEngine, targets: readonly TargetEngine[]): Divergence | undefined {
  for (const t of targets) {
    if (t.readableAfterReset === false) continue;
    const d = compareSlots(program, step, reference, t);
    if (d) return { ...d, what: `${d.what} right after ${step < 0 ? "the initial reset" : "the reset"}` };
  }
  return undefined;
}

function compareSlots(program: IrProgram, step: number, reference: TargetEngine, t: TargetEngine): Divergence | undefined {
  for (let s = 0; s < program.state.length; s++)
    if (t.state(s) !== reference.state(s))
      return { step, target: t.name, what: `state ${program.state[s].name}`, expected: reference.state(s), actual: t.state(s) };
  for (let o = 0; o < program.outputs.length; o++)
    if (t.output(o) !== reference.output(o))
      return { step, target: t.name, what: `output ${program.outputs[o].name}`, expected: reference.output(o), actual: t.output(o) };
  return undefined;
}

const snapshot = (program: IrProgram, e: { state(i: number): bigint }) => program.state.map((_, s) => e.state(s));

/** The stream through a batch entry point, one batch per run of events between parameter steps. */
function runBatches(program: IrProgram, params: bigint[], stream: readonly StreamStep[], trace: Trace, b: BatchEngine): Divergence | undefined {
  b.reset(params);
  let start = 0;
  for (let i = 0; i <= stream.length; i++) {
    if (i < stream.length && !isParamStep(stream[i])) continue;
    const d = compareBatch(program, stream, start, i, trace, b);
    if (d) return d;
    if (i < stream.length) {
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
  for (let i = start; i < end; i++)
    for (let o = 0; o < program.outputs.length; o++) {
      const got = b.batchOutput(i - start, o);
      if (got !== trace.outputs[i][o])
        return { step: i, target: b.name, what: `${b.entry}: output ${program.outputs[o].name}`, expected: trace.outputs[i][o], actual: got };
    }
  const want = trace.accepted.slice(start, end).filter(Boolean).length;
  if (accepted !== want)
    return { step: end - 1, target: b.name, what: `${b.entry}: events accepted in steps ${start}..${end - 1}`, expected: BigInt(want), actual: BigInt(accepted) };
  const states = trace.states.get(end - 1)!;
  for (let s = 0; s < program.state.length; s++)
    if (b.state(s) !== states[s]) return { step: end - 1, target: b.name, what: `${b.entry}: state ${program.state[s].name} at the end of the batch`, expected: states[s], actual: b.state(s) };
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
