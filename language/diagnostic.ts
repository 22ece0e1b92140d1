import type { Span } from "./span.js";

export type Severity = "error" | "warning" | "note";

/** A diagnostic is data: a stable code, where, what is wrong and how to fix it. Rendering lives in render-diagnostic.ts. */
export interface Diagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly span: Span;
  readonly message: string;
  readonly hint?: string;
}

/** Collects diagnostics; stages report here instead of throwing. */
export class Diagnostics {
  readonly items: Diagnostic[] = [];
  /** Keys of the errors reported so far: a set, as a generated file can have tens of thousands. */
  private readonly reported = new Set<string>();

  /** The same error at the same place is reported once (an unrolled loop lowers its body several times). */
  error(code: string, span: Span, message: string, hint?: string): void {
    this.reportOnce({ code, severity: "error", span, message, hint });
  }

  /** The program compiles, but it will not do what its author most likely meant. */
  warning(code: string, span: Span, message: string, hint?: string): void {
    this.reportOnce({ code, severity: "warning", span, message, hint });
  }

  note(code: string, span: Span, message: string, hint?: string): void {
    this.items.push({ code, severity: "note", span, message, hint });
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === "error");
  }

  errors(): Diagnostic[] {
    return this.items.filter((d) => d.severity === "error");
  }

  warnings(): Diagnostic[] {
    return this.items.filter((d) => d.severity === "warning");
  }

  private reportOnce(d: Diagnostic): void {
    const key = `${d.severity}:${d.code}:${d.span.start}:${d.span.end}:${d.message}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.items.push(d);
  }
}
