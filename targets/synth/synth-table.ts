import type { SynthReport } from "./synthesize.js";

export interface SynthRow {
  readonly name: string;
  readonly report: SynthReport;
  /** Cycles from an event's valid beat to its verdict, as the design documents it. */
  readonly latencyCycles?: number;
}

const COLUMNS = [
  "design",
  "HX8K LUT4",
  "carry",
  "DFF",
  "LCs (shimmed)",
  "Fmax MHz",
  "xcup LUT",
  "FF",
  "DSP",
  "levels",
  "latency",
  "latches",
] as const;

/** A Markdown table, one row per synthesized top; a flow that was not run shows "-". */
export function formatSynthTable(rows: readonly SynthRow[]): string {
  const cells = rows.map(({ name, report: r, latencyCycles }) => {
    const dash = (v: number | string | undefined) => (v === undefined ? "-" : String(v));
    return [
      name,
      dash(r.ice40?.lut4),
      dash(r.ice40?.carry),
      dash(r.ice40?.dff),
      r.ice40 ? `${r.ice40.logicCells} / ${r.ice40.logicCellsAvailable}` : "-",
      dash(r.ice40?.fmaxMHz.toFixed(1)),
      dash(r.xcup?.luts),
      dash(r.xcup?.ffs),
      dash(r.xcup?.dsps),
      dash(r.xcup?.logicLevels),
      dash(latencyCycles),
      String(r.design.latches.length),
    ];
  });
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const line = (row: readonly string[]) => `| ${row.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `${"-".repeat(w + 1)}-` : `${"-".repeat(w + 1)}:`)).join("|")}|`;
  return [line(COLUMNS), rule, ...cells.map(line)].join("\n");
}
