import { ClosureInterpreter, type NumberObserver } from "../../compiler/closure-interpret.js";
import { RECORD_SIZE, type EventFields } from "../../runtime/event-tape.js";
import type { IrProgram } from "../../compiler/ir.js";
import type { TsEngine } from "../ts/load-module.js";
import type { WasmEngine } from "../wasm/load-wasm.js";

/**
 * One interface for every target: load, reset with parameters, hot-reload parameters, step an event,
 * read state and outputs. The harness compares engines only through it.
 */
export interface TargetEngine {
  readonly name: string;
  reset(params: readonly bigint[]): void;
  reload(params: readonly bigint[]): void;
  step(kind: number, t: number, a: number, b: number, c: number, d: number): boolean;
  state(i: number): bigint;
  output(i: number): bigint;
  /**
   * The same slots as doubles, where the engine holds them so: the harness compares these without a
   * BigInt when both engines have them. A slot is an exact integer when it is a safe integer.
   */
  stateNumber?(i: number): number;
  outputNumber?(i: number): number;
  /** The target's batch entry point on the same instance, compared with `step` by the harness. */
  readonly batch?: BatchEngine;
  /**
   * False for a simulated circuit: its registers are sampled with the outputs of an event, so there is
   * nothing to read between a reset and the first event. A leaky reset there shows on the first event
   * after it, and in the streams the harness runs twice.
   */
  readonly readableAfterReset?: boolean;
}

/**
 * A batch entry point: many events per call. It reports only how many were accepted, the outputs of
 * each event, and the state after the batch; the harness compares those with the reference.
 */
export interface BatchEngine {
  /** The target's name, as its step engine's. */
  readonly name: string;
  /** The entry point, for reports. */
  readonly entry: string;
  reset(params: readonly bigint[]): void;
  reload(params: readonly bigint[]): void;
  stepBatch(events: readonly EventFields[]): number;
  /** Output o of event i of the last batch, as a double (an exact integer when it is a safe integer). */
  batchOutput(i: number, o: number): number;
  state(i: number): bigint;
}

/** Rows [kind, t, a, b, c, d], as batch entry points read them. */
function records(events: readonly EventFields[]): Float64Array {
  const r = new Float64Array(events.length * RECORD_SIZE);
  let at = 0;
  for (const e of events) {
    r[at] = e.kind;
    r[at + 1] = e.t;
    r[at + 2] = e.a;
    r[at + 3] = e.b;
    r[at + 4] = e.c;
    r[at + 5] = e.d;
    at += RECORD_SIZE;
  }
  return r;
}

/**
 * The reference: the IR's semantics on closures, checked (a value outside its proven interval throws),
 * which a test holds to the BigInt interpreter op by op; an observer (the coverage recorder) sees every
 * evaluation.
 */
export function interpreterEngine(program: IrProgram, observer?: NumberObserver): TargetEngine {
  const it = new ClosureInterpreter(program);
  it.observer = observer;
  return {
    name: "interpreter",
    reset: (p) => it.reset(p),
    reload: (p) => it.reload(p),
    step: (k, t, a, b, c, d) => it.step(k, t, a, b, c, d),
    state: (i) => BigInt(it.state[i]),
    output: (i) => BigInt(it.outputs[i]),
    stateNumber: (i) => it.state[i],
    outputNumber: (i) => it.outputs[i],
  };
}

/** Stands for a value that is not an integer at all (NaN, a fraction): it equals no valid value. */
export const NOT_AN_INTEGER = -(2n ** 80n);

/** Float64Array values are exact integers; -0 and 0 are the same integer. */
const toBig = (x: number) => (Number.isSafeInteger(x) ? BigInt(x) : NOT_AN_INTEGER);

export function typeScriptEngine(engine: TsEngine): TargetEngine {
  return {
    name: "ts",
    reset: (p) => engine.reset(p.map(Number)),
    reload: (p) => engine.reload(p.map(Number)),
    step: (k, t, a, b, c, d) => engine.step(k, t, a, b, c, d),
    state: (i) => toBig(engine.state[i]),
    output: (i) => toBig(engine.outputs[i]),
    stateNumber: (i) => engine.state[i],
    outputNumber: (i) => engine.outputs[i],
    batch: typeScriptBatch(engine),
  };
}

/** `stepBatch` over one array of rows, outputs to one array of rows: the TypeScript batch path. */
function typeScriptBatch(engine: TsEngine): BatchEngine {
  const width = engine.outputs.length;
  let outputs = new Float64Array(0);
  return {
    name: "ts",
    entry: "stepBatch",
    reset: (p) => engine.reset(p.map(Number)),
    reload: (p) => engine.reload(p.map(Number)),
    stepBatch: (events) => {
      if (outputs.length < events.length * width) outputs = new Float64Array(events.length * width * 2);
      return engine.stepBatch(records(events), 0, events.length, outputs);
    },
    batchOutput: (i, o) => outputs[i * width + o],
    state: (i) => toBig(engine.state[i]),
  };
}

export function wasmEngine(engine: WasmEngine): TargetEngine {
  return {
    name: "wasm",
    reset: (p) => engine.reset(p),
    reload: (p) => engine.reload(p),
    step: (k, t, a, b, c, d) => engine.step(k, t, a, b, c, d),
    state: (i) => engine.state(i),
    output: (i) => toBig(engine.outputs[i]),
    // a 64-bit slot beyond 2^53 becomes a double that no safe integer equals: the comparison stays exact
    stateNumber: (i) => Number(engine.state(i)),
    outputNumber: (i) => engine.outputs[i],
    batch: wasmBatch(engine),
  };
}

function wasmBatch(engine: WasmEngine): BatchEngine {
  return {
    name: "wasm",
    entry: "step_batch",
    reset: (p) => engine.reset(p),
    reload: (p) => engine.reload(p),
    stepBatch: (events) => engine.stepBatch(records(events), 0, events.length),
    batchOutput: (i, o) => engine.batchOutputs[i * engine.outputs.length + o],
    state: (i) => engine.state(i),
  };
}
