import { RECORD_SIZE, type EventTape } from "../event-tape.js";
import { createRing, type FullPolicy } from "../ring/ring-layout.js";
import { runWorkerGroup, type WorkerJob } from "../worker-group.js";
import { workerScript } from "../worker-script.js";
import type { EngineModule } from "./engine-module.js";
import { outputRecordSize } from "./output-record.js";
import type { FeedJob, FeedResult, SinkJob, SinkResult, StrategyJob, StrategyResult } from "./pipeline-messages.js";

export interface PipelineOptions {
  readonly tape: EventTape;
  readonly module: EngineModule;
  /** The full parameter vector (base, then derived). */
  readonly params: readonly bigint[];
  readonly outputCount: number;
  /** Both rings: records each (a power of two), full policy, polls before sleeping. */
  readonly capacity: number;
  readonly full: FullPolicy;
  readonly spin?: number;
  /** Events the feed writes between two publishes. */
  readonly batch: number;
  /** Event records the strategy worker steps, then forgets (a reset), before the start; none by default. */
  readonly warmup?: Float64Array;
}

export interface PipelineResult {
  readonly events: number;
  readonly accepted: number;
  /** Output records that reached the sink, and their checksum (see runOneThread). */
  readonly records: number;
  readonly checksum: number;
  /** Records dropped by a full ring: events (feed → strategy), outputs (strategy → sink). */
  readonly droppedEvents: number;
  readonly droppedOutputs: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
  /** Garbage collections in each worker during its job (none if its loop allocates nothing per record). */
  readonly collections: number[];
}

/**
 * Feed worker → ring → strategy worker → ring → sink worker: the shape `lockstep run` runs in.
 * Resolves when the sink has drained the last output record.
 */
export async function runPipeline(o: PipelineOptions): Promise<PipelineResult> {
  const ring = (recordSize: number) => createRing({ capacity: o.capacity, recordSize, full: o.full, spin: o.spin });
  const events = ring(RECORD_SIZE);
  const outputs = ring(outputRecordSize(o.outputCount));
  const feed: FeedJob = { tape: o.tape, events, batch: o.batch };
  const strategy: StrategyJob = { module: o.module, params: o.params, events, outputs, warmup: o.warmup ?? new Float64Array(0) };
  const sink: SinkJob = { outputs };
  const job = (name: string, data: unknown): WorkerJob => ({ script: workerScript(import.meta.url, name), data });
  const run = await runWorkerGroup<FeedResult | StrategyResult | SinkResult>([
    job("feed-worker", feed),
    job("strategy-worker", strategy),
    job("sink-worker", sink),
  ]);
  const [f, s, k] = run.results as [FeedResult, StrategyResult, SinkResult];
  return {
    events: f.events,
    accepted: s.accepted,
    records: k.records,
    checksum: k.checksum,
    droppedEvents: f.dropped,
    droppedOutputs: s.dropped,
    seconds: run.seconds,
    cpuSeconds: run.cpuSeconds,
    collections: run.collections,
  };
}
