import type { BacktestConfig } from "../backtest/backtest.js";
import type { BacktestSummary, Units } from "../backtest/summary.js";
import type { EventTape } from "../event-tape.js";
import type { OutputLayout } from "../orders/output-layout.js";
import type { EngineModule } from "../pipeline/engine-module.js";

/** What runLive gives each of its three workers (workerData), and what each reports when done. */
export interface LiveFeedJob {
  readonly tape: EventTape;
  readonly events: SharedArrayBuffer;
  /** Recorded time per wall time (1: as recorded); 0: as fast as the ring takes the events. */
  readonly speed: number;
  /** Events written between two publishes at full speed (paced events are published one by one). */
  readonly batch: number;
}
export interface LiveFeedResult {
  readonly events: number;
  readonly dropped: number;
}

export interface LiveStrategyJob {
  readonly module: EngineModule;
  readonly params: readonly bigint[];
  readonly layout: OutputLayout;
  readonly riskCheck: boolean;
  readonly config: BacktestConfig;
  readonly units: Units;
  /** Events the feed will send at most: the strategy's copy of the tape is allocated once, at this size. */
  readonly maxEvents: number;
  readonly events: SharedArrayBuffer;
  readonly log: SharedArrayBuffer;
  readonly reload: SharedArrayBuffer;
}
export interface LiveStrategyResult {
  /** The backtest's figures of what the strategy received; wall time is filled in by the caller. */
  readonly summary: BacktestSummary;
  readonly received: number;
  readonly reloadsApplied: number;
  readonly reloadsRefused: number;
  /** Log records the log ring refused (drop policy). */
  readonly logDropped: number;
}

export interface LiveLoggerJob {
  readonly log: SharedArrayBuffer;
  /** The run log's file descriptor, its header already written; -1: count the records, write nothing. */
  readonly fd: number;
}
export interface LiveLoggerResult {
  /** Records written to the log, its own ringOverflow records included. */
  readonly records: number;
  /** Records read from the log ring. */
  readonly passed: number;
  /** Records of the log ring that the strategy's end dropped (each reported in a ringOverflow record). */
  readonly dropped: number;
}
