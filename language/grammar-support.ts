import type { IToken } from "chevrotain";
import type * as A from "./ast.js";
import type { Span } from "./span.js";

/** Span helpers shared by the grammar's rules; all tolerate the missing tokens of recovery and recording. */

export const NO_SPAN: Span = { start: 0, end: 0 };

export function tokSpan(t: IToken | undefined): Span {
  return t === undefined || Number.isNaN(t.startOffset)
    ? NO_SPAN
    : { start: t.startOffset, end: (t.endOffset ?? t.startOffset) + 1 };
}

/** Tolerates missing parts: during chevrotain's grammar recording and after recovery, children may be absent. */
export function cover(first: Span | undefined, last: Span | undefined): Span {
  if (first === undefined) return last ?? NO_SPAN;
  if (last === undefined || last === NO_SPAN) return first;
  if (first === NO_SPAN) return last;
  return { start: first.start, end: Math.max(first.end, last.end) };
}

export const errorExpr = (): A.Expr => ({ kind: "error", span: NO_SPAN });
export const ident = (t: IToken | undefined): A.Ident => ({ name: t?.image ?? "", span: tokSpan(t) });
