/** A half-open range of UTF-16 offsets into one source text. Line and column are computed only when printing. */
export interface Span {
  readonly start: number;
  readonly end: number;
}
