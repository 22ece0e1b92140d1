import { Diagnostics } from "../language/diagnostic.js";
import type { SourceFile } from "../language/source-file.js";
import { EVENT_KIND_NAMES, EventKind, type EventFields, type EventKindName } from "../runtime/event-tape.js";
import type { InputField, IrProgram } from "../compiler/ir.js";

/** One event read from a CSV file, with the line it came from. */
export interface CsvEvent {
  readonly line: number;
  readonly kindName: EventKindName;
  readonly fields: EventFields;
}

const COLUMNS = ["kind", "t", "a", "b", "c", "d"] as const;
/** A field must be an exact integer: beyond 2^53 a double no longer holds every integer. */
const LIMIT = 2n ** 53n;
const HEADER_HINT = "the first line is the header kind,t,a,b,c,d (trailing columns may be left out)";

interface Cell {
  readonly text: string;
  /** offset of the trimmed text in the file */
  readonly start: number;
}

/** Splits a line at commas, trimming each cell; offsets stay those of the file. */
function cells(text: string, lineStart: number): Cell[] {
  const out: Cell[] = [];
  let from = 0;
  for (const raw of text.split(",")) {
    const lead = raw.length - raw.trimStart().length;
    out.push({ text: raw.trim(), start: lineStart + from + lead });
    from += raw.length + 1;
  }
  return out;
}

/**
 * The names a column may have besides its letter: the event fields it carries (column a is `bid` in a
 * book event, `trade_price` in a trade), so a file of one event kind can name its columns as the
 * language does.
 */
function columnAliases(program: IrProgram): Map<string, InputField | "kind" | "t"> {
  const names = new Map<string, InputField | "kind" | "t">(COLUMNS.map((c) => [c, c]));
  for (const h of program.handlers) for (const i of h.inputs) if (i.field !== "t") names.set(i.name, i.field);
  return names;
}

const span = (c: Cell) => ({ start: c.start, end: c.start + Math.max(1, c.text.length) });

/** Checks the header; returns how many columns the rows may have, or undefined after an error. */
function readHeader(header: Cell[], program: IrProgram, diags: Diagnostics): number | undefined {
  const aliases = columnAliases(program);
  if (header.length > COLUMNS.length) {
    diags.error("EV002", span(header[COLUMNS.length]), `the header has ${header.length} columns; events have at most 6`, HEADER_HINT);
    return undefined;
  }
  for (const [i, cell] of header.entries()) {
    const want = COLUMNS[i];
    const is = aliases.get(cell.text);
    if (is === want) continue;
    const names = [...aliases].filter(([, f]) => f === want).map(([n]) => n);
    const message = cell.text === "" ? `column ${i + 1} of the header is empty` : `column ${i + 1} of the header is '${cell.text}'`;
    diags.error("EV002", span(cell), `${message}; it must be ${names.map((n) => `'${n}'`).join(" or ")}`, HEADER_HINT);
    return undefined;
  }
  if (header.length < 2) {
    diags.error("EV002", span(header[0]), "the header has no 't' column: every event has a time", HEADER_HINT);
    return undefined;
  }
  return header.length;
}

/** A field as an exact integer, or undefined after an error at its cell. */
function integerField(cell: Cell, column: string, diags: Diagnostics): number | undefined {
  if (cell.text === "") {
    diags.error("EV004", span(cell), `the ${column} field is empty`, "write 0, or leave out trailing fields (they are 0)");
    return undefined;
  }
  if (!/^[+-]?\d+$/.test(cell.text)) {
    const isNumber = cell.text !== "" && Number.isFinite(Number(cell.text));
    diags.error(
      "EV004",
      span(cell),
      isNumber ? `the ${column} field '${cell.text}' is not a whole number` : `the ${column} field '${cell.text}' is not a number`,
      "fields are whole numbers: t in nanoseconds, prices in ticks, quantities in lots, sides -1 or 1",
    );
    return undefined;
  }
  const n = BigInt(cell.text);
  if (n <= -LIMIT || n >= LIMIT) {
    diags.error("EV005", span(cell), `the ${column} field ${cell.text} is beyond ±2^53`, "an event field is an integer below 2^53 in magnitude");
    return undefined;
  }
  return Number(n);
}

function readRow(row: Cell[], line: number, columns: number, diags: Diagnostics): CsvEvent | undefined {
  const before = diags.items.length;
  const kindName = EVENT_KIND_NAMES.find((k) => k === row[0].text);
  if (!kindName)
    diags.error(
      "EV003",
      span(row[0]),
      row[0].text === "" ? "the event kind is empty" : `unknown event kind '${row[0].text}'`,
      `the kind is one of ${EVENT_KIND_NAMES.join(", ")}`,
    );
  if (row.length > columns)
    diags.error(
      "EV006",
      span(row[columns]),
      `too many fields: ${row.length}, the header has ${columns}`,
      columns < COLUMNS.length ? `add the missing columns to the header (${COLUMNS.join(",")})` : "an event has at most kind,t,a,b,c,d",
    );
  if (row.length < 2) diags.error("EV004", span(row[0]), "the row has no time t", "write kind,t[,a,b,c,d], e.g. book,0,6183763,120,6183764,80");
  const values = row.slice(1, columns).map((cell, i) => integerField(cell, COLUMNS[i + 1], diags));
  if (diags.items.length > before || !kindName) return undefined;
  const [t, a = 0, b = 0, c = 0, d = 0] = values as number[];
  return { line, kindName, fields: { kind: EventKind[kindName], t, a, b, c, d } };
}

/**
 * Reads events from CSV: a header naming the columns, then one event per line; blank lines and lines
 * starting with `#` are skipped. Every malformed row is reported (code, span, message, hint), and no
 * event is returned unless the whole file is well formed.
 */
export function parseEventsCsv(file: SourceFile, program: IrProgram): { events: CsvEvent[] } | { diagnostics: Diagnostics } {
  const diags = new Diagnostics();
  const events: CsvEvent[] = [];
  let columns: number | undefined;
  let sawHeader = false;
  file.lineStarts.forEach((start, i) => {
    const next = file.lineStarts[i + 1];
    const text = file.text.slice(start, next === undefined ? file.text.length : next - 1).replace(/\r$/, "");
    const trimmed = text.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return;
    const row = cells(text, start);
    if (!sawHeader) {
      sawHeader = true;
      columns = readHeader(row, program, diags);
      return;
    }
    if (columns === undefined) return;
    const event = readRow(row, i + 1, columns, diags);
    if (event) events.push(event);
  });
  if (!sawHeader) diags.error("EV001", { start: 0, end: 0 }, "the file has no header and no events", HEADER_HINT);
  return diags.hasErrors ? { diagnostics: diags } : { events };
}
