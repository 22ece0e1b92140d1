/**
 * A small benchmark timer: median wall time per event over several runs, plus how many garbage
 * collections happened while timing (the point of the generated code is that this stays at zero).
 */
import { PerformanceObserver, performance } from "node:perf_hooks";

export interface MeasureOptions {
  // Untimed runs so the JIT has optimised the code first; on a busy machine the background compiler can
  // lag, and a nonzero GC count for allocation-free code is the sign that warmup was too short.
  warmup?: number;
  reps?: number;
}

export interface Measurement {
  name: string;
  /** The program measured, when a run measures several. */
  example?: string;
  nsPerEvent: number;
  gcCount: number;
  checksum: number;
}

// GC entries reach observers through a later turn of the event loop, so yield before reading a count.
const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 10));

/** A plain-text table of the measurements with each row's time relative to `baselineName`. */
export function formatTable(rows: readonly Measurement[], baselineName: string): string {
  const base = rows.find((r) => r.name === baselineName);
  if (base === undefined) throw new Error(`no measurement named ${JSON.stringify(baselineName)}`);
  const header = ["name", "ns/event", `vs ${baselineName}`, "GCs"];
  const body = rows.map((r) => [r.name, r.nsPerEvent.toFixed(2), `${(r.nsPerEvent / base.nsPerEvent).toFixed(2)}x`, String(r.gcCount)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ");
  return [line(header), ...body.map(line)].join("\n");
}

/** One row of `npm run bench -- --json`: ratio is to the baseline row of the same example in the same run. */
export interface BenchRow {
  readonly example: string;
  readonly row: string;
  readonly ns_per_event: number;
  readonly ratio: number;
}

export function benchRows(rows: readonly Measurement[], baselineName: string): BenchRow[] {
  return rows.map((r) => {
    const base = rows.find((b) => b.example === r.example && b.name === baselineName);
    if (base === undefined) throw new Error(`no ${baselineName} row for ${r.example}`);
    return { example: r.example ?? "", row: r.name, ns_per_event: r.nsPerEvent, ratio: r.nsPerEvent / base.nsPerEvent };
  });
}

/**
 * Measures several rows round-robin: each repetition times every row once, in turn, so a machine whose
 * load changes during the run slows every row alike and the ratios between rows stay meaningful (a row
 * timed whole before the next would take the load of its own seconds only). Median per row.
 */
export async function measureInterleaved(rows: readonly { name: string; fn: () => number }[], events: number, opts: MeasureOptions = {}): Promise<Measurement[]> {
  const warmup = opts.warmup ?? 5;
  const reps = opts.reps ?? 7;
  if (!(events > 0) || !(reps > 0)) throw new RangeError("events and reps must be positive");
  const checksums = rows.map((r) => {
    let c = 0;
    for (let i = 0; i < warmup; i++) c = r.fn();
    return c;
  });
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) gc();
  await flush();
  const windows: [number, number, number][] = [];
  const gcStarts: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcStarts.push(entry.startTime);
  });
  observer.observe({ entryTypes: ["gc"] });
  const times: number[][] = rows.map(() => []);
  for (let rep = 0; rep < reps; rep++)
    rows.forEach((r, k) => {
      const from = performance.now();
      const start = process.hrtime.bigint();
      const result = r.fn();
      times[k].push(Number(process.hrtime.bigint() - start));
      windows.push([k, from, performance.now()]);
      if (!Object.is(result, checksums[k])) throw new Error(`${r.name}: checksum changed between runs (${checksums[k]} then ${result})`);
    });
  await flush();
  observer.disconnect();
  return rows.map((r, k) => {
    const sorted = times[k].sort((x, y) => x - y);
    const mid = sorted.length >> 1;
    const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    const gcCount = gcStarts.filter((t) => windows.some(([w, from, to]) => w === k && t >= from && t <= to)).length;
    return { name: r.name, nsPerEvent: median / events, gcCount, checksum: checksums[k] };
  });
}

/** One row timed alone: `measureInterleaved` with nothing to interleave. */
export async function measure(name: string, fn: () => number, events: number, opts: MeasureOptions = {}): Promise<Measurement> {
  return (await measureInterleaved([{ name, fn }], events, opts))[0];
}
