/** The feed worker of `lockstep run`: the recording's events into the event ring, paced at recorded time or as fast as the ring takes them. */
import { performance } from "node:perf_hooks";
import { writeRecord } from "../event-tape.js";
import { RingProducer } from "../ring/ring-producer.js";
import { serveJob } from "../worker-group.js";
import type { LiveFeedJob, LiveFeedResult } from "./live-messages.js";

function feed(job: LiveFeedJob): LiveFeedResult {
  const ring = new RingProducer(job.events);
  const { t, length } = job.tape;
  const data = ring.data;
  const paced = job.speed > 0;
  const msPerNs = paced ? 1e-6 / job.speed : 0;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const start = performance.now();
  const t0 = length > 0 ? t[0] : 0;
  for (let i = 0; i < length; i++) {
    if (paced) {
      const early = start + (t[i] - t0) * msPerNs - performance.now();
      if (early > 0) Atomics.wait(sleeper, 0, 0, early);
    }
    const at = ring.claim();
    if (at >= 0) writeRecord(job.tape, i, data, at);
    if (paced || (i + 1) % job.batch === 0) ring.publish();
  }
  ring.close();
  return { events: length, dropped: ring.droppedCount };
}

await serveJob((job: LiveFeedJob) => job, feed);
