import type { Program } from "../language/ast.js";
import { Diagnostics } from "../language/diagnostic.js";
import { parseProgram } from "../language/parse.js";
import { sourceFile, type SourceFile } from "../language/source-file.js";
import type { IrProgram } from "./ir.js";
import { lowerProgram } from "./lower/program.js";

export interface Compilation {
  readonly file: SourceFile;
  readonly diagnostics: Diagnostics;
  readonly ast: Program;
  /** Present only when there are no errors. */
  readonly ir?: IrProgram;
}

/** The stages in one place: text -> AST -> IR. Each stage reports into the same diagnostics. */
export function compileSource(path: string, text: string): Compilation {
  const file = sourceFile(path, text);
  const diagnostics = new Diagnostics();
  const ast = parseProgram(file, diagnostics);
  if (diagnostics.hasErrors) return { file, diagnostics, ast };
  const ir = lowerProgram(ast, file, diagnostics);
  // lowering goes event by event, not line by line: report in source order
  diagnostics.items.sort((a, b) => a.span.start - b.span.start);
  return { file, diagnostics, ast, ir: diagnostics.hasErrors ? undefined : ir };
}
