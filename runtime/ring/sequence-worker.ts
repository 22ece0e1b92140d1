/** A ring soak worker: one end of sendSequence's ring. */
import { serveJob } from "../worker-group.js";
import { RingConsumer } from "./ring-consumer.js";
import { RingProducer } from "./ring-producer.js";
import { consume, produce } from "./sequence-ends.js";
import type { SequenceEnd } from "./sequence-messages.js";

await serveJob(
  (end: SequenceEnd) => end,
  (end: SequenceEnd) => {
    switch (end.role) {
      case "producer":
        return produce(new RingProducer(end.ring), end.records, end.batch);
      case "consumer":
        return consume(new RingConsumer(end.ring), end.pauseEvery, end.pauseMs);
      default:
        return end satisfies never;
    }
  },
);
