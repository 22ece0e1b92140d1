/** The feed worker of `lockstep run`: the recording's events into the event ring, paced at recorded time or as fast as the ring takes them. */
import { performance } from "node:perf_hooks";
import { RingProducer } from "../ring/ring-producer.js";
import { serveJob } from "../worker-group.js";
import type { LiveFeedJob, LiveFeedResult } from "./live-messages.js";

function feed(job: LiveFeedJob): LiveFeedResult {
  const ring = new RingProducer(job.events);
  const { kind, t, a, b, c, d, length } = job.tape;
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
    if (at >= 0) {
      data[at] = kind[i];
      data[at + 1] = t[i];
      data[at + 2] = a[i];
      data[at + 3] = b[i];
      data[at + 4] = c[i];
      data[at + 5] = d[i];
    }
    if (paced || (i + 1) % job.batch === 0) ring.publish();
  }
  ring.close();
  return { events: length, dropped: ring.droppedCount };
}

await serveJob((job: LiveFeedJob) => job, feed);
