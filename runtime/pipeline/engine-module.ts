/**
 * A compiled strategy as a worker receives it (JavaScript text or WebAssembly bytes: both cross a
 * thread boundary by copy), and the one stepping interface the pipeline uses for either target.
 * This file must stay light: workers import it, and the compiler (ts-morph, binaryen) must not load there.
 */
import type { TsModule } from "../../targets/ts/load-module.js";
import { loadWasm } from "../../targets/wasm/load-wasm.js";

export type EngineModule = { readonly target: "ts"; readonly js: string } | { readonly target: "wasm"; readonly bytes: Uint8Array };

/** One event in, from a row [kind, t, a, b, c, d] of `records` at offset `at`; the outputs of that event in `outputs`. */
export interface RecordStepper {
  readonly outputs: Float64Array;
  stepRecord(records: Float64Array, at: number): boolean;
  /** Back to the initial state, with the same parameters. */
  reset(): void;
}

/** Instantiates the module and resets it with the full parameter vector (base, then derived). */
export async function loadRecordStepper(module: EngineModule, params: readonly bigint[]): Promise<RecordStepper> {
  switch (module.target) {
    case "ts": {
      // The emitted module imports nothing, so it loads from a data: URL without a file.
      const url = `data:text/javascript;base64,${Buffer.from(module.js).toString("base64")}`;
      const engine = new ((await import(url)) as TsModule).Engine();
      const numbers = params.map(Number);
      engine.reset(numbers);
      return { outputs: engine.outputs, stepRecord: (r, at) => engine.stepRecord(r, at), reset: () => engine.reset(numbers) };
    }
    case "wasm": {
      const engine = await loadWasm(module.bytes);
      engine.reset(params);
      const outputs = engine.outputs;
      return {
        outputs,
        stepRecord: (r, at) => engine.step(r[at], r[at + 1], r[at + 2], r[at + 3], r[at + 4], r[at + 5]),
        reset: () => engine.reset(params),
      };
    }
    default:
      return module satisfies never;
  }
}
