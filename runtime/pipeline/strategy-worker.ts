/** The strategy worker: steps the compiled engine on each event record and sends its outputs on. */
import { RECORD_SIZE } from "../event-tape.js";
import { RingConsumer } from "../ring/ring-consumer.js";
import { RingProducer } from "../ring/ring-producer.js";
import { serveJob } from "../worker-group.js";
import { loadRecordStepper, type RecordStepper } from "./engine-module.js";
import { writeOutputRecord } from "./output-record.js";
import type { StrategyJob, StrategyResult } from "./pipeline-messages.js";

interface Strategy {
  readonly engine: RecordStepper;
  readonly events: RingConsumer;
  readonly outputs: RingProducer;
}

async function setup(job: StrategyJob): Promise<Strategy> {
  const engine = await loadRecordStepper(job.module, job.params);
  for (let at = 0; at < job.warmup.length; at += RECORD_SIZE) engine.stepRecord(job.warmup, at);
  engine.reset();
  return { engine, events: new RingConsumer(job.events), outputs: new RingProducer(job.outputs) };
}

function run({ engine, events, outputs }: Strategy): StrategyResult {
  const input = events.data;
  const output = outputs.data;
  const values = engine.outputs;
  let count = 0;
  let accepted = 0;
  for (let n = events.acquire(); n > 0; n = events.acquire()) {
    for (let i = 0; i < n; i++) {
      const at = events.next();
      const ok = engine.stepRecord(input, at);
      if (ok) accepted++;
      const to = outputs.claim();
      if (to >= 0) writeOutputRecord(output, to, input, at, ok, values);
    }
    count += n;
    events.release();
    outputs.publish();
  }
  outputs.close();
  return { events: count, accepted, dropped: outputs.droppedCount };
}

await serveJob(setup, run);
