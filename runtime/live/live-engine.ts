import type { StrategyEngine } from "../orders/strategy-engine.js";
import type { EngineModule } from "../pipeline/engine-module.js";
import type { TsModule } from "../../targets/ts/load-module.js";
import { loadWasm } from "../../targets/wasm/load-wasm.js";

/** A compiled strategy in a worker: the engine the backtest's pieces step, and its hot reload. */
export interface LiveEngine {
  readonly engine: StrategyEngine;
  /** Swaps the full parameter vector (base, then derived), keeping the state. */
  readonly reload: (params: readonly bigint[]) => void;
}

/** Instantiates the module (TS or WASM) and resets it with the full parameter vector. */
export async function loadLiveEngine(module: EngineModule, params: readonly bigint[]): Promise<LiveEngine> {
  switch (module.target) {
    case "ts": {
      // The emitted module imports nothing, so it loads from a data: URL without a file.
      const url = `data:text/javascript;base64,${Buffer.from(module.js).toString("base64")}`;
      const engine = new ((await import(url)) as TsModule).Engine();
      engine.reset(params.map(Number));
      return { engine, reload: (p) => engine.reload(p.map(Number)) };
    }
    case "wasm": {
      const engine = await loadWasm(module.bytes);
      engine.reset(params);
      return { engine, reload: (p) => engine.reload(p) };
    }
    default:
      return module satisfies never;
  }
}
