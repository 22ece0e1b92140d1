import { EVENT_KIND_NAMES, RECORD_SIZE } from "../runtime/event-tape.js";
import { FloatInterpreter } from "./float-semantics.js";
import { Interpreter } from "./interpret.js";
import type { IrProgram } from "./ir.js";

/** How far one state or output slot of the exact semantics strays from the float semantics, in the slot's units. */
export interface SlotDeviation {
  readonly name: string;
  readonly kind: "state" | "output";
  readonly unit: string;
  readonly samples: number;
  readonly maxAbs: number;
  readonly meanAbs: number;
  /** Mean signed deviation (exact − float). */
  readonly bias: number;
  /** Mean of the float semantics' values: the scale the bias is read against. */
  readonly meanFloat: number;
}

export interface AccuracyRun {
  readonly events: number;
  /** Events both semantics applied (the rest were invalid in both, or the two disagreed on validity). */
  readonly applied: number;
  /** Events after which both quoted (quote_valid = 1). */
  readonly quotes: number;
  /** Of those, how many had every price output within 1 tick of the float semantics. */
  readonly quotesWithinTick: number;
  /** Events where one semantics quoted and the other did not. */
  readonly quoteValidDiffers: number;
  readonly slots: readonly SlotDeviation[];
}

/** Bias relative to the float semantics' mean, or undefined where that mean is 0. */
export const relativeBias = (s: SlotDeviation): number | undefined => (s.meanFloat === 0 ? undefined : s.bias / Math.abs(s.meanFloat));

class Accumulator {
  samples = 0;
  maxAbs = 0;
  sumAbs = 0;
  sum = 0;
  sumFloat = 0;

  add(exactRaw: bigint, floatRaw: number, frac: number): void {
    const scale = 2 ** frac;
    const exact = Number(exactRaw) / scale;
    const float = floatRaw / scale;
    const d = exact - float;
    this.samples++;
    this.maxAbs = Math.max(this.maxAbs, Math.abs(d));
    this.sumAbs += Math.abs(d);
    this.sum += d;
    this.sumFloat += float;
  }
}

/**
 * Runs the exact semantics (the reference interpreter) and the float semantics side by side on one
 * stream of records ([kind, t, a, b, c, d] rows) and measures every state after every applied event, and
 * every output after the events whose handler writes it (price outputs only while both quote).
 */
export function measureAccuracy(
  program: IrProgram,
  records: Float64Array,
  params: { exact: readonly bigint[]; float: readonly number[] },
): AccuracyRun {
  const exact = new Interpreter(program);
  const float = new FloatInterpreter(program);
  exact.reset(params.exact);
  float.reset(params.float);
  const states = program.state.map(() => new Accumulator());
  const outputs = program.outputs.map(() => new Accumulator());
  const valid = program.outputs.findIndex((o) => o.name === "quote_valid");
  const prices = program.outputs.flatMap((o, i) => (o.unit === "ticks" ? [i] : []));
  let applied = 0;
  let quotes = 0;
  let quotesWithinTick = 0;
  let quoteValidDiffers = 0;
  const events = records.length / RECORD_SIZE;
  for (let at = 0; at < records.length; at += RECORD_SIZE) {
    const ev = [records[at], records[at + 1], records[at + 2], records[at + 3], records[at + 4], records[at + 5]] as const;
    const a = exact.step(...ev);
    const b = float.step(...ev);
    if (!a || !b) continue;
    applied++;
    program.state.forEach((s, i) => states[i].add(exact.state[i], float.state[i], s.frac));
    const handler = program.handlers.find((h) => h.event === EVENT_KIND_NAMES[ev[0]])!;
    const written = new Set(handler.outputs.map((o) => o.slot));
    const quoting = valid >= 0 && written.has(valid);
    const bothQuote = quoting && exact.outputs[valid] === 1n && float.outputs[valid] === 1;
    if (quoting && (exact.outputs[valid] === 1n) !== (float.outputs[valid] === 1)) quoteValidDiffers++;
    if (bothQuote) {
      quotes++;
      if (prices.every((i) => Math.abs(Number(exact.outputs[i]) / 2 ** program.outputs[i].frac - float.outputs[i] / 2 ** program.outputs[i].frac) <= 1))
        quotesWithinTick++;
    }
    program.outputs.forEach((o, i) => {
      if (!written.has(i) || (prices.includes(i) && !bothQuote)) return;
      outputs[i].add(exact.outputs[i], float.outputs[i], o.frac);
    });
  }
  const slot = (kind: "state" | "output", name: string, unit: string, acc: Accumulator): SlotDeviation => ({
    name,
    kind,
    unit,
    samples: acc.samples,
    maxAbs: acc.maxAbs,
    meanAbs: acc.samples ? acc.sumAbs / acc.samples : 0,
    bias: acc.samples ? acc.sum / acc.samples : 0,
    meanFloat: acc.samples ? acc.sumFloat / acc.samples : 0,
  });
  return {
    events,
    applied,
    quotes,
    quotesWithinTick,
    quoteValidDiffers,
    slots: [
      ...program.state.map((s, i) => slot("state", s.name, s.unit, states[i])),
      ...program.outputs.map((o, i) => slot("output", o.name, o.unit, outputs[i])),
    ],
  };
}
