import { paramFileRefusal } from "./param-file-codes.js";

const RECORD_SIZE = 6;

/** A compiled WebAssembly strategy in a JavaScript host: parameters in, events in, state and outputs out. */
export class WasmEngine {
  /** Outputs of the last event, exact integers as f64. */
  outputs: Float64Array;
  private params: BigInt64Array;
  private stateView: BigInt64Array;
  private readonly memory: WebAssembly.Memory;
  private readonly g: (name: string) => number;
  private readonly stepBatchFn: (events: number, count: number, outputs: number) => number;
  /** Byte offset where batch buffers start: past everything the module lays out. */
  private readonly batchBase: number;
  private batchCapacity = 0;
  private outputCapacity = 0;
  /**
   * Event rows [kind, t, a, b, c, d] in linear memory: a host that writes its events here (a feed, a
   * ring) steps them with stepInPlace, without a copy.
   */
  batchEvents: Float64Array = new Float64Array(0);
  /** Outputs of each event of the last batch, one row of output_count values per event. */
  batchOutputs: Float64Array = new Float64Array(0);
  private readonly stepFn: (kind: number, t: number, a: number, b: number, c: number, d: number) => number;
  private readonly resetState: () => void;

  private readonly exports: Record<string, unknown>;

  constructor(instance: WebAssembly.Instance) {
    const x = instance.exports as Record<string, unknown>;
    this.exports = x;
    this.memory = x.memory as WebAssembly.Memory;
    this.g = (name: string) => (x[name] as WebAssembly.Global).value as number;
    this.stepFn = x.step as WasmEngine["stepFn"];
    this.stepBatchFn = x.step_batch as WasmEngine["stepBatchFn"];
    this.resetState = x.reset_state as () => void;
    this.batchBase = this.memory.buffer.byteLength;
    this.params = this.stateView = new BigInt64Array(0);
    this.outputs = new Float64Array(0);
    this.makeViews();
  }

  /** Typed-array views detach when memory grows, so they are made again. */
  private makeViews(): void {
    const buf = this.memory.buffer;
    const g = this.g;
    this.params = new BigInt64Array(buf, g("params_offset"), g("param_count"));
    this.stateView = new BigInt64Array(buf, g("state_offset"), g("state_count"));
    this.outputs = new Float64Array(buf, g("outputs_offset"), g("output_count"));
    if (this.batchCapacity > 0) {
      this.batchEvents = new Float64Array(buf, this.batchBase, this.batchCapacity * RECORD_SIZE);
      this.batchOutputs = new Float64Array(buf, this.outputsBase(), this.outputCapacity * g("output_count"));
    }
  }

  private outputsBase(): number {
    return this.batchBase + this.batchCapacity * RECORD_SIZE * 8;
  }

  /**
   * Makes room for `capacity` event rows in batchEvents and `outputRows` rows in batchOutputs (grows
   * linear memory once; the rows already there are kept only when the capacities stay).
   */
  reserveBatch(capacity: number, outputRows = capacity): void {
    if (capacity <= this.batchCapacity && outputRows <= this.outputCapacity) return;
    const events = Math.max(capacity, this.batchCapacity);
    const outputs = Math.max(outputRows, this.outputCapacity);
    const bytes = this.batchBase + (events * RECORD_SIZE + outputs * this.g("output_count")) * 8;
    const missing = Math.ceil((bytes - this.memory.buffer.byteLength) / 65536);
    if (missing > 0) this.memory.grow(missing);
    this.batchCapacity = events;
    this.outputCapacity = outputs;
    this.makeViews();
  }

  /**
   * Steps rows first .. first + count - 1 of batchEvents where they lie; event i's outputs land in row i
   * of batchOutputs. Returns how many events were accepted.
   */
  stepInPlace(first: number, count: number): number {
    if (first < 0 || count < 0 || first + count > this.batchCapacity || count > this.outputCapacity)
      throw new RangeError(`rows ${first} + ${count} exceed the reserved batch (${this.batchCapacity} events, ${this.outputCapacity} output rows)`);
    return this.stepBatchFn(this.batchBase + first * RECORD_SIZE * 8, count, this.outputsBase());
  }

  /**
   * Steps `count` events given as rows [kind, t, a, b, c, d] of `records` from row `first`; each
   * event's outputs land in `batchOutputs`. Returns how many events were accepted.
   */
  stepBatch(records: Float64Array, first: number, count: number): number {
    this.reserveBatch(count);
    this.batchEvents.set(records.subarray(first * RECORD_SIZE, (first + count) * RECORD_SIZE));
    return this.stepInPlace(0, count);
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

  /**
   * Swaps in the parameters of a file written by `lockstep params`, checked by the module itself
   * (`load_params`, emit-load-params.ts); throws, changing nothing, on a bad file. State is kept: call
   * it between events for a hot reload, and before `resetState` at start.
   */
  reloadFile(bytes: Uint8Array): void {
    const x = this.exports;
    const room = (x.param_file_bytes as WebAssembly.Global).value as number;
    let code = 1;
    if (bytes.length <= room) {
      new Uint8Array(this.memory.buffer, (x.param_file_offset as WebAssembly.Global).value as number, bytes.length).set(bytes);
      code = (x.load_params as (len: number) => number)(bytes.length);
    }
    if (code !== 0) throw new Error(`parameter file refused: ${paramFileRefusal(code)}`);
  }

  /** At start: the parameters of a file (as `reloadFile`), then the initial state. */
  resetFile(bytes: Uint8Array): void {
    this.reloadFile(bytes);
    this.resetState();
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

  /** Parameter slot i as loaded (a BigInt: for tests and tools). */
  param(i: number): bigint {
    return this.params[i];
  }

  get paramCount(): number {
    return this.params.length;
  }
}

export async function loadWasm(bytes: Uint8Array): Promise<WasmEngine> {
  const module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  return new WasmEngine(await WebAssembly.instantiate(module));
}
