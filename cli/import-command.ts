import { EventKind } from "../runtime/event-tape.js";
import { encodeEventFile } from "../runtime/feed/event-file.js";
import { loadRecording } from "../runtime/feed/load-recording.js";
import { instrumentSteps } from "./load-data.js";
import { writeOutputFile } from "./output-file.js";
import { compileOrReport } from "./read-source.js";

/**
 * `lockstep import FILE.lstep REC -o OUT.lse`: reads a recording at the program's instrument (every
 * price on its tick grid, every size on its lot grid) and writes the binary event file every `--data`
 * reads fast. An event file imported for another instrument is refused by the loader, so the ticks a
 * run sees are always the ones its program declares.
 */
export function runImport(file: string, recording: string, out: string): number {
  const ir = compileOrReport(file);
  if (!ir) return 1;
  const steps = instrumentSteps(ir);
  if ("error" in steps) return fail(steps.error);
  const r = loadRecording(recording, steps);
  if ("error" in r) return fail(r.error);
  for (const note of r.notes) process.stderr.write(`${note}\n`);
  const bytes = encodeEventFile({
    instrument: steps.instrument,
    tick: steps.tick,
    lot: steps.lot,
    venue: r.venue,
    originNs: r.originNs,
    tape: r.tape,
    depth: r.depth,
  });
  const problem = writeOutputFile(out, bytes, [file, recording]);
  if (problem) return fail(`lockstep: ${problem}`);
  let books = 0;
  for (let i = 0; i < r.tape.length; i++) if (r.tape.kind[i] === EventKind.book) books++;
  const skipped = r.skipped ? `; ${r.skipped} lines of other streams skipped` : "";
  process.stdout.write(
    `wrote ${out}: ${r.tape.length} events (${books} book, ${r.tape.length - books} trade) and ${r.depth.length} depth rows from a ${r.venue} ${r.format} recording, ${steps.instrument} at tick ${steps.tick}, lot ${steps.lot}${skipped}; ${bytes.length} bytes\n`,
  );
  return 0;
}

function fail(message: string): number {
  process.stderr.write(`${message}\n`);
  return 1;
}
