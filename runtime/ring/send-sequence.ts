import { workerScript } from "../worker-script.js";
import { runWorkerGroup } from "../worker-group.js";
import { createRing, type FullPolicy } from "./ring-layout.js";
import type { SequenceEnd, SequenceEndResult } from "./sequence-messages.js";

export interface SequenceOptions {
  readonly records: number;
  readonly capacity: number;
  readonly recordSize: number;
  readonly full: FullPolicy;
  readonly spin?: number;
  /** Records the producer claims between two publishes. */
  readonly batch: number;
  /** A slow consumer: sleep pauseMs every pauseEvery records. */
  readonly pause?: { readonly every: number; readonly ms: number };
}

export interface SequenceResult {
  readonly sent: number;
  readonly received: number;
  readonly dropped: number;
  /** The dropped count as the consumer read it from the ring. */
  readonly droppedSeenByConsumer: number;
  readonly inOrder: boolean;
  readonly intact: boolean;
  /** Equal when nothing was dropped and every record arrived whole and in order. */
  readonly sentChecksum: number;
  readonly receivedChecksum: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
  /** Garbage collections in each worker during its job (none if its loop allocates nothing per record). */
  readonly collections: number[];
}

/** Numbered records from a producer worker to a consumer worker through one ring. */
export async function sendSequence(o: SequenceOptions): Promise<SequenceResult> {
  const ring = createRing({ capacity: o.capacity, recordSize: o.recordSize, full: o.full, spin: o.spin });
  const script = workerScript(import.meta.url, "sequence-worker");
  const ends: SequenceEnd[] = [
    { role: "producer", ring, records: o.records, batch: o.batch },
    { role: "consumer", ring, pauseEvery: o.pause?.every ?? Infinity, pauseMs: o.pause?.ms ?? 0 },
  ];
  const run = await runWorkerGroup<SequenceEndResult>(ends.map((data) => ({ script, data })));
  const [sent, received] = run.results;
  return {
    sent: sent.records,
    received: received.records,
    dropped: sent.dropped,
    droppedSeenByConsumer: received.dropped,
    inOrder: received.inOrder,
    intact: received.intact,
    sentChecksum: sent.checksum,
    receivedChecksum: received.checksum,
    seconds: run.seconds,
    cpuSeconds: run.cpuSeconds,
    collections: run.collections,
  };
}
