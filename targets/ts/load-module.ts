import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ts } from "ts-morph";

/** What an emitted TypeScript module exports. */
export interface TsEngine {
  readonly params: Float64Array;
  readonly state: Float64Array;
  readonly outputs: Float64Array;
  reset(params: ArrayLike<number>): void;
  reload(params: ArrayLike<number>): void;
  step(kind: number, t: number, a: number, b: number, c: number, d: number): boolean;
  stepRecord(events: Float64Array, at: number): boolean;
  /** Steps `count` rows from row `first`; event i's outputs land at out[i * outputs.length ...]. Returns how many were accepted. */
  stepBatch(events: Float64Array, first: number, count: number, out: Float64Array): number;
}

export interface TsModule {
  readonly Engine: new () => TsEngine;
  readonly meta: unknown;
}

/**
 * Transpiles emitted TypeScript (no type-check: the golden tests and tsc cover that) and imports it.
 * A syntax error is refused: transpiling repairs a truncated file (it closes the open braces), and the
 * repaired module would load and simply compute something else.
 */
export async function loadTsModule(source: string): Promise<TsModule> {
  const js = transpileEngine(source);
  const dir = mkdtempSync(join(tmpdir(), "lockstep-ts-"));
  const path = join(dir, "engine.mjs");
  writeFileSync(path, js);
  try {
    return (await import(pathToFileURL(path).href)) as TsModule;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Emitted TypeScript as JavaScript, refused if it does not parse (see loadTsModule). */
export function transpileEngine(source: string): string {
  const out = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    reportDiagnostics: true,
  });
  const syntax = out.diagnostics?.[0];
  if (syntax) {
    const at = syntax.file && syntax.start !== undefined ? syntax.file.getLineAndCharacterOfPosition(syntax.start) : undefined;
    const where = at ? ` at line ${at.line + 1}:${at.character + 1}` : "";
    throw new Error(`it does not parse as TypeScript${where}: ${ts.flattenDiagnosticMessageText(syntax.messageText, " ")} (is it truncated?)`);
  }
  return out.outputText;
}
