import type { Diagnostic } from "./diagnostic.js";
import { lineCol, lineText, type SourceFile } from "./source-file.js";

/** The one place diagnostics become text: `file:line:col: error[CODE]: message`, the line, a caret, a hint. */
export function renderDiagnostic(file: SourceFile, d: Diagnostic): string {
  const { line, col } = lineCol(file, d.span.start);
  const text = lineText(file, line);
  const gutter = String(line).length;
  const pad = " ".repeat(gutter);
  const width = Math.max(1, Math.min(d.span.end, file.lineStarts[line] ?? file.text.length) - d.span.start);
  const caretWidth = Math.min(width, Math.max(1, text.length - (col - 1)));
  const shown = window(text, col - 1, caretWidth);
  const lines = [
    `${file.path}:${line}:${col}: ${d.severity}[${d.code}]: ${d.message}`,
    `${pad} |`,
    `${line} | ${printable(shown.text)}`,
    `${pad} | ${" ".repeat(shown.caretAt)}${"^".repeat(shown.caretWidth)}`,
  ];
  if (d.hint) lines.push(`${pad} = hint: ${d.hint}`);
  return lines.join("\n");
}

/** Diagnostics as JSON objects for `--format json`. */
export function diagnosticToJson(file: SourceFile, d: Diagnostic): Record<string, unknown> {
  const start = lineCol(file, d.span.start);
  const end = lineCol(file, d.span.end);
  return {
    file: file.path,
    line: start.line,
    col: start.col,
    endLine: end.line,
    endCol: end.col,
    severity: d.severity,
    code: d.code,
    message: d.message,
    hint: d.hint ?? null,
  };
}

/** Longest source line shown; a longer one (a generated 50,000-term sum) is cut around the caret with "...". */
const MAX_SHOWN = 120;

function window(text: string, at: number, width: number): { text: string; caretAt: number; caretWidth: number } {
  if (text.length <= MAX_SHOWN) return { text, caretAt: at, caretWidth: width };
  const start = Math.max(0, Math.min(at - 40, text.length - MAX_SHOWN));
  const end = Math.min(text.length, start + MAX_SHOWN);
  const head = start > 0 ? "..." : "";
  const tail = end < text.length ? "..." : "";
  return {
    text: `${head}${text.slice(start, end)}${tail}`,
    caretAt: head.length + at - start,
    caretWidth: Math.max(1, Math.min(width, end - at)),
  };
}

function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\uffff]/g, "\uFFFD");
}
