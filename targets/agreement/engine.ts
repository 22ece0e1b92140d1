import { Interpreter } from "../../compiler/interpret.js";
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
}

export function interpreterEngine(program: IrProgram): TargetEngine {
  const it = new Interpreter(program, true);
  return {
    name: "interpreter",
    reset: (p) => it.reset(p),
    reload: (p) => it.reload(p),
    step: (k, t, a, b, c, d) => it.step(k, t, a, b, c, d),
    state: (i) => it.state[i],
    output: (i) => it.outputs[i],
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
  };
}
