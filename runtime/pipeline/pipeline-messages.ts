import type { EventTape } from "../event-tape.js";
import type { EngineModule } from "./engine-module.js";

/** What runPipeline gives each worker (workerData), and what each reports when done. */
export interface FeedJob {
  readonly tape: EventTape;
  readonly events: SharedArrayBuffer;
  /** Events written between two publishes. */
  readonly batch: number;
}
export interface FeedResult {
  readonly events: number;
  readonly dropped: number;
}

export interface StrategyJob {
  readonly module: EngineModule;
  readonly params: readonly bigint[];
  readonly events: SharedArrayBuffer;
  readonly outputs: SharedArrayBuffer;
  /** Event records stepped before the start, then the engine is reset: the timing sees compiled code. */
  readonly warmup: Float64Array;
}
export interface StrategyResult {
  readonly events: number;
  readonly accepted: number;
  /** Output records refused by a full ring (drop policy). */
  readonly dropped: number;
}

export interface SinkJob {
  readonly outputs: SharedArrayBuffer;
}
export interface SinkResult {
  readonly records: number;
  readonly checksum: number;
}
