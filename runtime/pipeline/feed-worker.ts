/** The feed worker: an event tape, replayed as fast as the ring takes it, one RECORD_SIZE row per event. */
import { RingProducer } from "../ring/ring-producer.js";
import { serveJob } from "../worker-group.js";
import type { FeedJob, FeedResult } from "./pipeline-messages.js";

function feed(job: FeedJob): FeedResult {
  const ring = new RingProducer(job.events);
  const { kind, t, a, b, c, d, length } = job.tape;
  const data = ring.data;
  for (let i = 0; i < length; i++) {
    const at = ring.claim();
    if (at >= 0) {
      data[at] = kind[i];
      data[at + 1] = t[i];
      data[at + 2] = a[i];
      data[at + 3] = b[i];
      data[at + 4] = c[i];
      data[at + 5] = d[i];
    }
    if ((i + 1) % job.batch === 0) ring.publish();
  }
  ring.close();
  return { events: length, dropped: ring.droppedCount };
}

await serveJob((job: FeedJob) => job, feed);
