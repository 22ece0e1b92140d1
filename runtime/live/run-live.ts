import type { BacktestSummary } from "../backtest/summary.js";
import { RECORD_SIZE, type EventTape } from "../event-tape.js";
import { createRing, type FullPolicy } from "../ring/ring-layout.js";
import { runWorkerGroup, type WorkerJob } from "../worker-group.js";
import { workerScript } from "../worker-script.js";
import type { LiveFeedJob, LiveFeedResult, LiveLoggerJob, LiveLoggerResult, LiveStrategyJob, LiveStrategyResult } from "./live-messages.js";
import { LOG_RING_RECORD_SIZE } from "./ring-log-sink.js";

export interface LiveOptions extends Pick<LiveStrategyJob, "module" | "params" | "layout" | "riskCheck" | "config" | "units" | "reload"> {
  readonly tape: EventTape;
  /** Recorded time per wall time; 0: as fast as possible. */
  readonly speed: number;
  /** Both rings: records each (a power of two), and what a full ring does. */
  readonly capacity: number;
  readonly full: FullPolicy;
  /** The run log's descriptor, header written; -1 for none. */
  readonly logFd: number;
}

export interface RingStats {
  readonly name: string;
  readonly capacity: number;
  readonly policy: FullPolicy;
  readonly records: number;
  readonly dropped: number;
}

export interface LiveRun {
  /** The backtest's summary of what the strategy received, timed on the wall clock from go to the logger's last record. */
  readonly summary: BacktestSummary;
  readonly rings: readonly RingStats[];
  /** Garbage collections during each worker's job. */
  readonly collections: { readonly feed: number; readonly strategy: number; readonly logger: number };
  readonly reloads: { readonly applied: number; readonly refused: number };
  readonly logRecords: number;
}

/** Events the feed writes between two publishes when it runs at full speed. */
const BATCH = 64;

/**
 * Feed worker → event ring → strategy worker → log ring → logger worker: the live shape of a run on a
 * recording. Resolves when the logger has written the last record; `onStart` is called when the workers are ready and told to go.
 */
export async function runLive(o: LiveOptions, onStart?: () => void): Promise<LiveRun> {
  const ring = (recordSize: number) => createRing({ capacity: o.capacity, recordSize, full: o.full });
  const events = ring(RECORD_SIZE);
  const log = ring(LOG_RING_RECORD_SIZE);
  const feed: LiveFeedJob = { tape: o.tape, events, speed: o.speed, batch: BATCH };
  const strategy: LiveStrategyJob = {
    module: o.module,
    params: o.params,
    layout: o.layout,
    riskCheck: o.riskCheck,
    config: o.config,
    units: o.units,
    maxEvents: o.tape.length,
    events,
    log,
    reload: o.reload,
  };
  const logger: LiveLoggerJob = { log, fd: o.logFd };
  const job = (name: string, data: unknown): WorkerJob => ({ script: workerScript(import.meta.url, name), data });
  const run = await runWorkerGroup<LiveFeedResult | LiveStrategyResult | LiveLoggerResult>([
    job("live-feed-worker", feed),
    job("live-strategy-worker", strategy),
    job("live-logger-worker", logger),
  ], onStart);
  const [f, s, l] = run.results as [LiveFeedResult, LiveStrategyResult, LiveLoggerResult];
  const wallSeconds = run.seconds;
  return {
    summary: { ...s.summary, wallSeconds, eventsPerSecond: wallSeconds > 0 ? s.received / wallSeconds : 0 },
    rings: [
      { name: "events", capacity: o.capacity, policy: o.full, records: f.events - f.dropped, dropped: f.dropped },
      { name: "log", capacity: o.capacity, policy: o.full, records: l.passed, dropped: s.logDropped },
    ],
    collections: { feed: run.collections[0], strategy: run.collections[1], logger: run.collections[2] },
    reloads: { applied: s.reloadsApplied, refused: s.reloadsRefused },
    logRecords: l.records,
  };
}
