/** A half-open range of UTF-16 offsets into one source text. Line and column are computed only when printing. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export function spanOf(start: number, end: number): Span {
  return { start, end };
}

export function joinSpans(a: Span, b: Span): Span {
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}
