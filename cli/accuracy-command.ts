import { join } from "node:path";
import { EventKind, RECORD_SIZE, tapeToRecords } from "../runtime/event-tape.js";
import { PATH_SHAPES, tickPath } from "../runtime/feed/synthetic-paths.js";
import { measureAccuracy, relativeBias, roundingContributors, type AccuracyRun } from "../compiler/accuracy.js";
import { parameterVector } from "../compiler/derived-eval.js";
import { packageRoot } from "../compiler/package-root.js";
import { floatParameterVector } from "../compiler/float-semantics.js";
import type { IrProgram } from "../compiler/ir.js";
import { loadData } from "./load-data.js";
import { compileOrReport } from "./read-source.js";

export const BUNDLED_DATA = "examples/data/btcusdt-20240808-excerpt.jsonl.gz";
const PATH_EVENTS = 4096;

/**
 * `lockstep accuracy FILE [--data REC]`: the exact semantics (what every target computes) against the
 * float semantics (what the author meant) on recorded market data and on one-tick paths up, down and
 * alternating, per state and output: max and mean deviation and bias in the slot's units. Exit 1 when a
 * quote strays beyond the source's `quote ... within N ticks`.
 */
export async function runAccuracy(file: string, opts: { data?: string }): Promise<number> {
  const ir = compileOrReport(file);
  if (!ir) return 1;
  const records = readRecording(opts.data ?? join(packageRoot(), BUNDLED_DATA), ir);
  if (typeof records === "string") {
    process.stderr.write(`lockstep: ${records}\n`);
    return 1;
  }
  const verdict = accuracyReport(ir, opts.data ?? BUNDLED_DATA, records, true);
  process.stdout.write(verdict.text);
  return verdict.exceeded ? 1 : 0;
}

/** The report on the bundled recording, for NAME.numerics.txt; a note instead when it cannot be read at the instrument's steps. */
export function bundledAccuracyReport(ir: IrProgram): string {
  const records = readRecording(join(packageRoot(), BUNDLED_DATA), ir);
  return typeof records === "string" ? `no accuracy report: ${records.replace(packageRoot() + "/", "")}\n` : accuracyReport(ir, BUNDLED_DATA, records).text;
}

/** The report and whether a quote broke the source's `within` budget. */
export interface AccuracyVerdict {
  readonly text: string;
  readonly exceeded: boolean;
}

/** The whole report: the recording's table, one line per one-tick path, and with `contributors` the roundings that matter most. */
export function accuracyReport(ir: IrProgram, dataName: string, records: Float64Array, contributors = false): AccuracyVerdict {
  const base = ir.params.map((p) => p.default);
  const params = { exact: parameterVector(ir, base), float: floatParameterVector(ir, base) };
  const budget = ir.quoteBudget?.ticks ?? 1;
  const lines = [
    `# ${ir.name}: the exact semantics (every target, bit for bit) against the float semantics (float64, no rounding but the source's own)`,
    "# deviation = exact - float, in each slot's units; bias = mean deviation; parameters at their defaults",
    "",
  ];
  const runs: [string, AccuracyRun][] = [];
  const data = measureAccuracy(ir, records, params, budget);
  runs.push([dataName, data]);
  lines.push(`${dataName}: ${data.events} events, ${data.applied} applied, ${quoteLine(data)}`, ...slotTable(data), "");
  const start = pathStart(ir, firstBid(records));
  if (start === undefined) lines.push("no book event in the data, or a price range too narrow for them: no one-tick paths");
  else {
    lines.push(`one-tick paths: ${PATH_EVENTS} book updates each, from a bid of ${start} ticks`);
    for (const shape of PATH_SHAPES) {
      const run = measureAccuracy(ir, tickPath(shape, start, PATH_EVENTS), params, budget);
      runs.push([`the ${shape} path`, run]);
      lines.push(`  ${shape.padEnd(11)} ${quoteLine(run)}; ${biasSummary(run)}`);
    }
  }
  const broken = runs.filter(([, r]) => r.quotesWithinBudget < r.quotes || r.quoteValidDiffers > 0);
  const measured = runs.some(([, r]) => r.quotes > 0);
  if (ir.quoteBudget) {
    const verdict = !measured ? "NOT MEASURED (no event quoted in either semantics)" : broken.length ? "EXCEEDED" : "held";
    lines.push("", `budget: quotes within ${budget} tick${budget === 1 ? "" : "s"} of the float semantics (${ir.quoteBudget.loc}): ${verdict}`);
    for (const [name, r] of broken) {
      if (r.quotesWithinBudget < r.quotes)
        lines.push(`  on ${name}: ${r.quotes - r.quotesWithinBudget} of ${r.quotes} quotes off by more, at most ${num(r.maxQuoteDeviation)} ticks`);
      if (r.quoteValidDiffers) lines.push(`  on ${name}: one semantics quoted and the other did not, ${r.quoteValidDiffers} times`);
    }
  }
  if (contributors) {
    const found = roundingContributors(ir, records, params);
    lines.push("", `the roundings that move the quotes most on ${dataName} (each alone; mean and max |deviation| in ticks, quotes made or dropped):`);
    if (!found.length) lines.push("  none: every quote equals the float semantics'");
    for (const c of found)
      lines.push(`  ${num(c.meanTicks).padStart(9)}  ${num(c.maxTicks).padStart(6)}  ${String(c.validDiffers).padStart(5)}  ${c.loc}  ${c.source}`);
  }
  return { text: `${lines.join("\n")}\n`, exceeded: ir.quoteBudget !== undefined && (broken.length > 0 || !measured) };
}

function quoteLine(run: AccuracyRun): string {
  if (run.quotes === 0) return run.quoteValidDiffers ? `no quote in both semantics; quote_valid differs on ${run.quoteValidDiffers}` : "no quotes";
  const pct = ((100 * run.quotesWithinBudget) / run.quotes).toFixed(2);
  const within = `${run.budgetTicks} tick${run.budgetTicks === 1 ? "" : "s"}`;
  return `quotes within ${within} of the float semantics: ${run.quotesWithinBudget} of ${run.quotes} (${pct} %)${run.quoteValidDiffers ? `, quote_valid differs on ${run.quoteValidDiffers}` : ""}`;
}

/** The relative bias of every user state (not Lockstep's own book and counters) that strays at all. */
function biasSummary(run: AccuracyRun): string {
  const strayed = run.slots.filter((s) => s.kind === "state" && s.maxAbs > 0 && relativeBias(s) !== undefined);
  if (!strayed.length) return "every state exact";
  return strayed.map((s) => `${s.name} bias ${percent(relativeBias(s)!)}`).join(", ");
}

const percent = (x: number) => `${x >= 0 ? "+" : ""}${(100 * x).toFixed(3)} %`;
const num = (x: number) => (x === 0 ? "0" : Math.abs(x) >= 1e-3 && Math.abs(x) < 1e6 ? x.toPrecision(4) : x.toExponential(3));

function slotTable(run: AccuracyRun): string[] {
  const rows = run.slots.filter((s) => s.maxAbs > 0);
  const unsampled = run.slots.filter((s) => s.samples === 0).length;
  const same = run.slots.length - rows.length - unsampled;
  const table = [["slot", "unit", "samples", "max |dev|", "mean |dev|", "bias", "bias / mean"]];
  for (const s of rows) {
    const rel = relativeBias(s);
    table.push([`${s.kind} ${s.name}`, s.unit, String(s.samples), num(s.maxAbs), num(s.meanAbs), num(s.bias), rel === undefined ? "-" : percent(rel)]);
  }
  const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
  const out = table.map((r) => `  ${r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ")}`);
  out.push(`  ${same} other slots: identical in both semantics${unsampled ? `; ${unsampled} never written (not measured)` : ""}`);
  return out;
}

/** The recording's first bid, moved into the instrument's price range with room for a path either way. */
function pathStart(ir: IrProgram, bid: number | undefined): number | undefined {
  const range = ir.handlers.find((h) => h.event === "book")?.inputs.find((i) => i.field === "a")?.range;
  if (bid === undefined || !range) return undefined;
  const [lo, hi] = [Number(range.lo) + PATH_EVENTS + 1, Number(range.hi) - PATH_EVENTS - 2];
  return lo > hi ? undefined : Math.min(Math.max(bid, lo), hi);
}

function firstBid(records: Float64Array): number | undefined {
  for (let at = 0; at < records.length; at += RECORD_SIZE) if (records[at] === EventKind.book) return records[at + 2];
  return undefined;
}

/** Prices of a recording finer than the instrument's grid are snapped to it (bids down, asks up): accuracy compares semantics, not fills. */
function readRecording(path: string, ir: IrProgram): Float64Array | string {
  const r = loadData(path, ir, true);
  return "error" in r ? r.error : tapeToRecords(r.tape);
}
