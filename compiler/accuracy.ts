import { EVENT_KIND_NAMES, RECORD_SIZE } from "./event-vocabulary.js";
import { FloatInterpreter } from "./float-semantics.js";
import { Interpreter } from "./interpret.js";
import { isHeldQuoteName, type IrProgram, type Loc } from "./ir.js";

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
  /** Quotes both semantics made (quote_valid = 1 after an event, per level). */
  readonly quotes: number;
  /** How far a quote may stray, in ticks, and how many had every price output within that of the float semantics. */
  readonly budgetTicks: number;
  readonly quotesWithinBudget: number;
  readonly maxQuoteDeviation: number;
  /** Quotes (per level) one semantics made and the other did not. */
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

  add(exactRaw: bigint | number, floatRaw: bigint | number, frac: number): void {
    const scale = 2 ** frac;
    const exact = Number(exactRaw) / scale;
    const float = Number(floatRaw) / scale;
    const d = exact - float;
    this.samples++;
    this.maxAbs = Math.max(this.maxAbs, Math.abs(d));
    this.sumAbs += Math.abs(d);
    this.sum += d;
    this.sumFloat += float;
  }
}

/** What both semantics expose to the comparison: a stepper with raw state and outputs. */
interface Stepper {
  step(kind: number, t: number, a: number, b: number, c: number, d: number): boolean;
  readonly state: readonly (bigint | number)[];
  readonly outputs: readonly (bigint | number)[];
}

/**
 * Runs the exact semantics (the reference interpreter) and the float semantics side by side on one
 * stream of records ([kind, t, a, b, c, d] rows) and measures every state after every applied event, and
 * every output after the events whose handler writes it (price outputs only while both quote).
 * `budgetTicks` is how far a quote may stray (the source's `within`, else 1 tick).
 */
export function measureAccuracy(
  program: IrProgram,
  records: Float64Array,
  params: { exact: readonly bigint[]; float: readonly number[] },
  budgetTicks = 1,
): AccuracyRun {
  const exact = new Interpreter(program);
  const float = new FloatInterpreter(program);
  exact.reset(params.exact);
  float.reset(params.float);
  return compareRuns(program, records, exact, float, budgetTicks);
}

function compareRuns(program: IrProgram, records: Float64Array, x: Stepper, y: Stepper, budgetTicks: number): AccuracyRun {
  const states = program.state.map(() => new Accumulator());
  const outputs = program.outputs.map(() => new Accumulator());
  // each quote level: its quote_valid and its price outputs (quote_bid, quote_ask; quote_bid_1, ...)
  const levels = program.outputs.flatMap((o, valid) => {
    const m = /^quote_valid(_\d+)?$/.exec(o.name);
    if (!m) return [];
    const suffix = m[1] ?? "";
    const prices = ["quote_bid", "quote_ask"].map((n) => program.outputs.findIndex((x) => x.name === n + suffix)).filter((i) => i >= 0);
    return [{ valid, prices }];
  });
  const levelOfPrice = new Map(levels.flatMap((l, k) => l.prices.map((i) => [i, k] as const)));
  const levelOf = new Map(levels.flatMap((l, k) => program.outputs.flatMap((o, i) => (quoteLevelSuffix(o.name) === quoteLevelSuffix(program.outputs[l.valid].name) ? [[i, k] as const] : []))));
  // a quote level is measured after the events whose handler can issue it (write its held quote), not
  // again after every event that keeps it; the held quote's states are its outputs, not measured twice
  const held = new Set(program.state.flatMap((s, i) => (isHeldQuoteName(s.name) ? [i] : [])));
  const heldValid = new Map(levels.map((l) => [l.valid, program.state.findIndex((s) => s.name === program.outputs[l.valid].name.replace(/^quote_/, "held_quote_"))]));
  const writers = new Map(
    program.handlers.map((h) => {
      const writes = new Set(h.writes.map((w) => w.slot));
      const issues = (slot: number) => {
        const level = levelOf.get(slot);
        return level === undefined || writes.has(heldValid.get(levels[level].valid)!);
      };
      return [h.event, new Set(h.outputs.map((o) => o.slot).filter(issues))];
    }),
  );
  let applied = 0;
  let quotes = 0;
  let quotesWithinBudget = 0;
  let quoteValidDiffers = 0;
  let maxQuoteDeviation = 0;
  for (let at = 0; at < records.length; at += RECORD_SIZE) {
    const ev = [records[at], records[at + 1], records[at + 2], records[at + 3], records[at + 4], records[at + 5]] as const;
    const a = x.step(...ev);
    const b = y.step(...ev);
    if (!a || !b) continue;
    applied++;
    program.state.forEach((s, i) => held.has(i) || states[i].add(x.state[i], y.state[i], s.frac));
    const written = writers.get(EVENT_KIND_NAMES[ev[0]])!;
    const bothQuote = levels.map(({ valid, prices }) => {
      if (!written.has(valid)) return false;
      const xq = Number(x.outputs[valid]) === 1;
      const yq = Number(y.outputs[valid]) === 1;
      if (xq !== yq) quoteValidDiffers++;
      if (!xq || !yq) return false;
      quotes++;
      const worst = Math.max(0, ...prices.map((i) => Math.abs(Number(x.outputs[i]) - Number(y.outputs[i])) / 2 ** program.outputs[i].frac));
      maxQuoteDeviation = Math.max(maxQuoteDeviation, worst);
      if (worst <= budgetTicks) quotesWithinBudget++;
      return true;
    });
    program.outputs.forEach((o, i) => {
      const level = levelOfPrice.get(i);
      if (!written.has(i) || (level !== undefined && !bothQuote[level])) return;
      outputs[i].add(x.outputs[i], y.outputs[i], o.frac);
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
    events: records.length / RECORD_SIZE,
    applied,
    quotes,
    budgetTicks,
    quotesWithinBudget,
    maxQuoteDeviation,
    quoteValidDiffers,
    slots: [
      ...program.state.flatMap((s, i) => (held.has(i) ? [] : [slot("state", s.name, s.unit, states[i])])),
      ...program.outputs.map((o, i) => slot("output", o.name, o.unit, outputs[i])),
    ],
  };
}

/** One source location's share of the quotes' deviation from the float semantics. */
export interface Contributor {
  readonly loc: Loc;
  /** The source line, trimmed. */
  readonly source: string;
  /** Mean and max |quote deviation| in ticks with only this location's roundings applied. */
  readonly meanTicks: number;
  readonly maxTicks: number;
  /** Quotes made by one run and not the other. */
  readonly validDiffers: number;
}

/**
 * Which roundings make the quotes stray: the float semantics is run once per source location with only
 * that location's compiler roundings applied (and once with the derived parameters rounded to their
 * slots), against the float semantics itself. Largest mean deviation first.
 */
export function roundingContributors(
  program: IrProgram,
  records: Float64Array,
  params: { exact: readonly bigint[]; float: readonly number[] },
  top = 5,
): Contributor[] {
  const locs = new Set<Loc>();
  for (const h of program.handlers)
    for (const ins of h.body)
      if ((ins.op === "mul" && ins.shift > 0) || (ins.op === "div" && !ins.kept) || (ins.op === "shr" && !ins.kept)) locs.add(ins.loc);
  const run = (rounded: ReadonlySet<Loc>, vector: readonly number[]) => {
    const x = new FloatInterpreter(program, rounded);
    const y = new FloatInterpreter(program);
    x.reset(vector);
    y.reset(params.float);
    const r = compareRuns(program, records, x, y, Infinity);
    const prices = r.slots.filter((s) => s.kind === "output" && s.unit === "ticks");
    return { meanTicks: Math.max(0, ...prices.map((s) => s.meanAbs)), maxTicks: r.maxQuoteDeviation, validDiffers: r.quoteValidDiffers };
  };
  const line = (loc: Loc) => program.sourceLines[Number(loc.split(":").at(-2)) - 1]?.trim() ?? "";
  const found: Contributor[] = [...locs].map((loc) => ({ loc, source: line(loc), ...run(new Set([loc]), params.float) }));
  if (program.derived.length)
    found.push({ loc: "parameters", source: "derived parameters rounded to their slots", ...run(new Set(), params.exact.map(Number)) });
  return found
    .filter((c) => c.maxTicks > 0 || c.validDiffers > 0)
    .sort((a, b) => b.validDiffers - a.validDiffers || b.meanTicks - a.meanTicks)
    .slice(0, top);
}

/** quote_bid_2 -> "_2"; quote_ask -> ""; not a quote output -> undefined. */
function quoteLevelSuffix(name: string): string | undefined {
  const m = /^quote_(?:valid|bid|ask|bid_qty|ask_qty)(_\d+)?$/.exec(name);
  return m ? (m[1] ?? "") : undefined;
}
