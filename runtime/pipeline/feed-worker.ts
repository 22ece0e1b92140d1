/** The feed worker: an event tape, replayed as fast as the ring takes it, one RECORD_SIZE row per event. */
import { writeRecord } from "../event-tape.js";
import { RingProducer } from "../ring/ring-producer.js";
import { serveJob } from "../worker-group.js";
import type { FeedJob, FeedResult } from "./pipeline-messages.js";

function feed(job: FeedJob): FeedResult {
  const ring = new RingProducer(job.events);
  const { tape } = job;
  const data = ring.data;
  for (let i = 0; i < tape.length; i++) {
    const at = ring.claim();
    if (at >= 0) writeRecord(tape, i, data, at);
    if ((i + 1) % job.batch === 0) ring.publish();
  }
  ring.close();
  return { events: tape.length, dropped: ring.droppedCount };
}

await serveJob((job: FeedJob) => job, feed);
