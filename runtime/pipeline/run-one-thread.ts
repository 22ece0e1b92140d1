import { RECORD_SIZE, type EventTape } from "../event-tape.js";
import { CHECKSUM_SEED, mixRecord } from "../ring/record-checksum.js";
import type { RecordStepper } from "./engine-module.js";
import { outputRecordSize, writeOutputRecord } from "./output-record.js";

export interface OneThreadResult {
  readonly records: number;
  readonly accepted: number;
  readonly checksum: number;
}

/**
 * The pipeline's work without threads or rings: each event stepped as a record, its output record
 * checksummed as the sink does. The pipeline must give the same count and checksum. Starts from the
 * engine's initial state.
 */
export function runOneThread(engine: RecordStepper, tape: EventTape): OneThreadResult {
  engine.reset();
  const event = new Float64Array(RECORD_SIZE);
  const size = outputRecordSize(engine.outputs.length);
  const record = new Float64Array(size);
  let accepted = 0;
  let checksum = CHECKSUM_SEED;
  for (let i = 0; i < tape.length; i++) {
    event[0] = tape.kind[i];
    event[1] = tape.t[i];
    event[2] = tape.a[i];
    event[3] = tape.b[i];
    event[4] = tape.c[i];
    event[5] = tape.d[i];
    const ok = engine.stepRecord(event, 0);
    if (ok) accepted++;
    writeOutputRecord(record, 0, event, 0, ok, engine.outputs);
    checksum = mixRecord(checksum, record, 0, size);
  }
  return { records: tape.length, accepted, checksum };
}
