import { loadRecording, type InstrumentSteps, type Recording } from "../runtime/feed/load-recording.js";
import { toDecimalText } from "../compiler/exact-math.js";
import type { IrProgram } from "../compiler/ir.js";

/** The program's instrument as the feed readers take it: its name, tick and lot as decimal texts. */
export function instrumentSteps(ir: IrProgram, snap = false): InstrumentSteps | { error: string } {
  const tick = toDecimalText(ir.instrument.tick);
  const lot = toDecimalText(ir.instrument.lot);
  if (!tick || !lot) return { error: `${ir.instrument.name}'s tick and lot must be decimals to read a recording at them` };
  return { instrument: ir.instrument.name, tick, lot, snap };
}

/** `--data REC` for a program: any recording the loader reads, at the program's instrument. */
export function loadData(path: string, ir: IrProgram, snap = false): Recording | { error: string } {
  const steps = instrumentSteps(ir, snap);
  return "error" in steps ? steps : loadRecording(path, steps);
}
