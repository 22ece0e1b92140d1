/**
 * The strategy worker of `lockstep run`: the backtest's pieces (compiled engine, order manager and risk
 * check, exchange simulator) fed from the event ring as events arrive, its log records sent to the
 * logger through the log ring, and parameter reloads swapped in between events.
 */
import { Backtest } from "../backtest/backtest.js";
import { summarize } from "../backtest/summary.js";
import { allocateTape, readRecord, type EventTape } from "../event-tape.js";
import { ParamReload, RecordType, parameterHash } from "../log/log-format.js";
import { LogWriter } from "../log/log-writer.js";
import { RingConsumer } from "../ring/ring-consumer.js";
import { RingProducer } from "../ring/ring-producer.js";
import { serveJob } from "../worker-group.js";
import { loadLiveEngine, type LiveEngine } from "./live-engine.js";
import type { LiveStrategyJob, LiveStrategyResult } from "./live-messages.js";
import { ReloadTaker } from "./reload-control.js";
import { ringLogSink } from "./ring-log-sink.js";
import { EVENT_RING } from "./ring-numbers.js";

interface Strategy {
  readonly job: LiveStrategyJob;
  readonly live: LiveEngine;
  readonly tape: EventTape;
  readonly events: RingConsumer;
  readonly logRing: RingProducer;
  readonly log: LogWriter;
  readonly backtest: Backtest;
  readonly reload: ReloadTaker;
}

async function setup(job: LiveStrategyJob): Promise<Strategy> {
  const live = await loadLiveEngine(job.module, job.params);
  const tape = allocateTape(job.maxEvents);
  const logRing = new RingProducer(job.log);
  const log = new LogWriter(ringLogSink(logRing), new Uint8Array(0));
  const backtest = new Backtest(live.engine, job.layout, tape, undefined, job.config, { riskCheck: job.riskCheck, log });
  return { job, live, tape, events: new RingConsumer(job.events), logRing, log, backtest, reload: new ReloadTaker(job.reload) };
}

function run(s: Strategy): LiveStrategyResult {
  const { tape, events, log, backtest, reload } = s;
  const { t } = tape;
  const input = events.data;
  let hash = parameterHash(s.job.params);
  log.record(RecordType.paramReload, ParamReload.initial, 0, hash, 0, s.job.params.length, 0, 0, 0);
  let n = 0;
  let reportedDrops = 0;
  let applied = 0;
  let refused = 0;
  for (;;) {
    // the log goes to the logger when this thread would wait for events, or in full buffers: a flush allocates a view
    let k = events.poll();
    if (k === 0) {
      log.flush();
      k = events.acquire();
      if (k === 0) break;
    }
    for (let i = 0; i < k; i++) readRecord(input, events.next(), tape, n++);
    events.release();
    const dropped = events.droppedCount;
    if (dropped > reportedDrops) {
      log.record(RecordType.ringOverflow, EVENT_RING, 0, 0, t[n - 1], dropped - reportedDrops, 0, 0, 0);
      reportedDrops = dropped;
    }
    backtest.advance(n, false);
    // between two events: the last one stepped and the next
    const request = reload.poll();
    if (request === ParamReload.applied) {
      const vector = reload.vector();
      s.live.reload(vector);
      hash = parameterHash(vector);
      applied++;
    } else if (request === ParamReload.refused) refused++;
    if (request !== 0) {
      log.record(RecordType.paramReload, request, 0, hash, t[n - 1], s.job.params.length, 0, 0, 0);
      reload.done(t[n - 1]);
    }
  }
  backtest.advance(n, true);
  const dropped = events.droppedCount;
  if (dropped > reportedDrops) log.record(RecordType.ringOverflow, EVENT_RING, 0, 0, n > 0 ? t[n - 1] : 0, dropped - reportedDrops, 0, 0, 0);
  log.flush();
  s.logRing.close();
  return {
    summary: summarize(backtest.result(), s.job.units, 0),
    received: n,
    reloadsApplied: applied,
    reloadsRefused: refused,
    logDropped: s.logRing.droppedCount,
  };
}

await serveJob(setup, run);
