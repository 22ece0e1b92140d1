import { MAX_SOURCE_BYTES, readBoundedFile } from "../runtime/bounded-file.js";
import { renderDiagnostic } from "../language/render-diagnostic.js";
import type { IrProgram } from "../compiler/ir.js";
import { compileSource, type Compilation } from "../compiler/pipeline.js";

/** Reads and compiles one file; a missing, special or oversized file is a user error with a message, not a crash. */
export function compileFile(path: string): Compilation | { error: string } {
  const bytes = readBoundedFile(path, MAX_SOURCE_BYTES);
  if ("error" in bytes) return bytes;
  return compileSource(path, bytes.toString("utf8"));
}

/** The IR of a file for a command that needs it (its warnings on stderr); otherwise its errors are on stderr and the command exits 1. */
export function compileOrReport(path: string): IrProgram | undefined {
  const c = compileFile(path);
  if ("error" in c) {
    process.stderr.write(`${c.error}\n`);
    return undefined;
  }
  const shown = c.ir ? c.diagnostics.warnings() : c.diagnostics.errors();
  for (const d of shown) process.stderr.write(`${renderDiagnostic(c.file, d)}\n\n`);
  return c.ir;
}
