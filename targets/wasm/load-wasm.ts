/** A compiled WebAssembly strategy in a JavaScript host: parameters in, events in, state and outputs out. */
export class WasmEngine {
  /** Outputs of the last event, exact integers as f64. */
  readonly outputs: Float64Array;
  private readonly params: BigInt64Array;
  private readonly stateView: BigInt64Array;
  private readonly stepFn: (kind: number, t: number, a: number, b: number, c: number, d: number) => number;
  private readonly resetState: () => void;

  constructor(instance: WebAssembly.Instance) {
    const x = instance.exports as Record<string, unknown>;
    const memory = x.memory as WebAssembly.Memory;
    const g = (name: string) => (x[name] as WebAssembly.Global).value as number;
    this.params = new BigInt64Array(memory.buffer, g("params_offset"), g("param_count"));
    this.stateView = new BigInt64Array(memory.buffer, g("state_offset"), g("state_count"));
    this.outputs = new Float64Array(memory.buffer, g("outputs_offset"), g("output_count"));
    this.stepFn = x.step as WasmEngine["stepFn"];
    this.resetState = x.reset_state as () => void;
  }

  /** Loads the full parameter vector (base, then derived) and restores the initial state. */
  reset(params: readonly bigint[]): void {
    this.reload(params);
    this.resetState();
  }

  /** Swaps parameters, keeping state: a hot reload. */
  reload(params: readonly bigint[]): void {
    if (params.length !== this.params.length) throw new RangeError(`expected ${this.params.length} parameters, got ${params.length}`);
    this.params.set(params);
  }

  step(kind: number, t: number, a: number, b: number, c: number, d: number): boolean {
    return this.stepFn(kind, t, a, b, c, d) !== 0;
  }

  /** State slot i (a BigInt: for tests and tools, not the hot path). */
  state(i: number): bigint {
    return this.stateView[i];
  }

  get stateCount(): number {
    return this.stateView.length;
  }
}

export async function loadWasm(bytes: Uint8Array): Promise<WasmEngine> {
  const module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  return new WasmEngine(await WebAssembly.instantiate(module));
}
