/**
 * What the runtime needs of a compiled program: step an event, read the outputs it left. Both the TS
 * module's Engine and the WASM loader's WasmEngine have this shape. `outputs` is read again after
 * every step (the WASM view is replaced when its memory grows).
 */
export interface StrategyEngine {
  step(kind: number, t: number, a: number, b: number, c: number, d: number): boolean;
  readonly outputs: Float64Array;
}
