/** What sendSequence tells each end of the ring, and what each end reports. */
export type SequenceEnd =
  | { readonly role: "producer"; readonly ring: SharedArrayBuffer; readonly records: number; readonly batch: number }
  | { readonly role: "consumer"; readonly ring: SharedArrayBuffer; readonly pauseEvery: number; readonly pauseMs: number };

export interface SequenceEndResult {
  /** Sent (producer, dropped ones included) or received (consumer). */
  readonly records: number;
  readonly checksum: number;
  readonly dropped: number;
  /** Every record numbered above the one before it. */
  readonly inOrder: boolean;
  /** Every value of every record as the producer wrote it. */
  readonly intact: boolean;
}
