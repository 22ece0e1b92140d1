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
}

export interface TsModule {
  readonly Engine: new () => TsEngine;
  readonly meta: unknown;
}

/** Transpiles emitted TypeScript (no type-check: the golden tests and tsc cover that) and imports it. */
export async function loadTsModule(source: string): Promise<TsModule> {
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const dir = mkdtempSync(join(tmpdir(), "lockstep-ts-"));
  const path = join(dir, "engine.mjs");
  writeFileSync(path, js);
  try {
    return (await import(pathToFileURL(path).href)) as TsModule;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
