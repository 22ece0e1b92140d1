import { expect } from "vitest";
import { parameterVector } from "../../compiler/derived-eval.js";
import type { IrProgram } from "../../compiler/ir.js";
import { compileSource } from "../../compiler/pipeline.js";
import { lineCol } from "../../language/source-file.js";
import { interpreterEngine, type TargetEngine } from "../../targets/agreement/engine.js";
import { loadTarget, SOFTWARE_TARGETS } from "../../targets/agreement/load-targets.js";

/** Helpers for tests that run one scripted stream through the interpreter and every software target. */

export function compiled(text: string): IrProgram {
  const c = compileSource("risk.lstep", text);
  expect(c.diagnostics.errors()).toEqual([]);
  return c.ir!;
}

export function firstError(text: string) {
  const c = compileSource("risk.lstep", text);
  const e = c.diagnostics.errors()[0];
  expect(e).toBeDefined();
  return { ...e, at: lineCol(c.file, e.span.start), text: text.slice(e.span.start, e.span.end) };
}

/** The interpreter and every software target, reset with the parameters' defaults. */
export async function engines(ir: IrProgram): Promise<TargetEngine[]> {
  const all: TargetEngine[] = [interpreterEngine(ir)];
  for (const t of SOFTWARE_TARGETS) {
    const e = await loadTarget(ir, t, { kind: "fresh" });
    if ("error" in e) throw new Error(e.error);
    all.push(e);
  }
  const params = parameterVector(ir, ir.params.map((p) => p.default));
  for (const e of all) e.reset(params);
  return all;
}

export const outputOf = (ir: IrProgram, name: string) => {
  const i = ir.outputs.findIndex((o) => o.name === name);
  expect(i, `output ${name}`).toBeGreaterThanOrEqual(0);
  return i;
};
export const stateOf = (ir: IrProgram, name: string) => {
  const i = ir.state.findIndex((s) => s.name === name);
  expect(i, `state ${name}`).toBeGreaterThanOrEqual(0);
  return i;
};
