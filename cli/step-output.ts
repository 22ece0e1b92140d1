import type { IrProgram } from "../compiler/ir.js";
import type { CsvEvent } from "./events-csv.js";
import { slotText } from "./slot-format.js";

/** What one event did: whether the engine accepted it, and every state and output slot after it. */
export interface StepRow {
  readonly event: CsvEvent;
  readonly valid: boolean;
  readonly state: readonly bigint[];
  readonly outputs: readonly bigint[];
}

export type StepFormat = "table" | "csv" | "json";

export const INVALID_NOTE = "invalid event: outputs cleared; state unchanged";
const EVENT_COLUMNS = ["line", "kind", "t", "a", "b", "c", "d", "valid"] as const;

interface Column {
  readonly name: string;
  /** shown under the name in a table: where a slot's value is in ticks, lots, ns, or a flag */
  readonly unit: string;
  readonly text: (row: StepRow) => string;
}

/** A unit worth a line under the name: not for plain numbers. */
const unitLabel = (unit: string) => (unit === "a plain number" ? "" : unit);

/**
 * The columns: the event as read, `valid`, every state slot, then every output slot, by name. A name
 * that is both a state and an output (or an event column) is qualified as state.NAME / output.NAME.
 */
function columns(program: IrProgram, raw: boolean): Column[] {
  const counts = new Map<string, number>();
  for (const n of [...EVENT_COLUMNS, ...program.state.map((s) => s.name), ...program.outputs.map((o) => o.name)])
    counts.set(n, (counts.get(n) ?? 0) + 1);
  const named = (prefix: string, name: string) => ((counts.get(name) ?? 0) > 1 ? `${prefix}.${name}` : name);
  const e = (r: StepRow) => r.event.fields;
  return [
    { name: "line", unit: "", text: (r) => String(r.event.line) },
    { name: "kind", unit: "", text: (r) => r.event.kindName },
    { name: "t", unit: "ns", text: (r) => String(e(r).t) },
    { name: "a", unit: "", text: (r) => String(e(r).a) },
    { name: "b", unit: "", text: (r) => String(e(r).b) },
    { name: "c", unit: "", text: (r) => String(e(r).c) },
    { name: "d", unit: "", text: (r) => String(e(r).d) },
    { name: "valid", unit: "", text: (r) => (r.valid ? "yes" : "no") },
    ...program.state.map((s, i) => ({
      name: named("state", s.name),
      unit: raw ? `raw/2^${s.frac}` : unitLabel(s.unit),
      text: (r: StepRow) => slotText(r.state[i], s.frac, raw),
    })),
    ...program.outputs.map((o, i) => ({
      name: named("output", o.name),
      unit: raw ? `raw/2^${o.frac}` : unitLabel(o.unit),
      text: (r: StepRow) => slotText(r.outputs[i], o.frac, raw),
    })),
  ];
}

const csvCell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

function table(cols: Column[], rows: readonly StepRow[]): string {
  const noted = rows.some((r) => !r.valid);
  const header = [...cols.map((c) => c.name), ...(noted ? ["note"] : [])];
  const units = [...cols.map((c) => c.unit), ...(noted ? [""] : [])];
  const body = rows.map((r) => [...cols.map((c) => c.text(r)), ...(noted ? [r.valid ? "" : INVALID_NOTE] : [])]);
  const all = [header, units, ...body];
  const widths = header.map((_, i) => Math.max(...all.map((line) => line[i].length)));
  // numbers align right; the kind, the flag and the note read better left-aligned
  const left = new Set(["kind", "valid", "note"]);
  const render = (line: string[]) =>
    line
      .map((cell, i) => (left.has(header[i]) ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join("  ")
      .trimEnd();
  return `${all.map(render).join("\n")}\n`;
}

function csv(cols: Column[], rows: readonly StepRow[]): string {
  const lines = [
    [...cols.map((c) => c.name), "note"],
    ...rows.map((r) => [...cols.map((c) => c.text(r)), r.valid ? "" : INVALID_NOTE]),
  ];
  return `${lines.map((l) => l.map(csvCell).join(",")).join("\n")}\n`;
}

/**
 * JSON written by hand so that slot values keep every digit: an exact decimal is a valid JSON number,
 * and a reader that wants more than a double can take it from the text.
 */
function json(program: IrProgram, rows: readonly StepRow[], raw: boolean): string {
  const object = (pairs: [string, string][]) => `{ ${pairs.map(([k, v]) => `${JSON.stringify(k)}: ${v}`).join(", ")} }`;
  const items = rows.map((r) => {
    const f = r.event.fields;
    const event = object([["kind", JSON.stringify(r.event.kindName)], ...(["t", "a", "b", "c", "d"] as const).map((k): [string, string] => [k, String(f[k])])]);
    const state = object(program.state.map((s, i) => [s.name, slotText(r.state[i], s.frac, raw)]));
    const outputs = object(program.outputs.map((o, i) => [o.name, slotText(r.outputs[i], o.frac, raw)]));
    const fields: [string, string][] = [
      ["line", String(r.event.line)],
      ["event", event],
      ["valid", String(r.valid)],
      ...(r.valid ? [] : [["note", JSON.stringify(INVALID_NOTE)] as [string, string]]),
      ["state", state],
      ["outputs", outputs],
    ];
    return `  {\n${fields.map(([k, v]) => `    ${JSON.stringify(k)}: ${v}`).join(",\n")}\n  }`;
  });
  return items.length ? `[\n${items.join(",\n")}\n]\n` : "[]\n";
}

export function renderSteps(program: IrProgram, rows: readonly StepRow[], format: StepFormat, raw: boolean): string {
  switch (format) {
    case "table":
      return table(columns(program, raw), rows);
    case "csv":
      return csv(columns(program, raw), rows);
    case "json":
      return json(program, rows, raw);
    default: {
      const never: never = format;
      throw new Error(`unknown format ${String(never)}`);
    }
  }
}
