import { readdirSync, readFileSync } from "node:fs";
import type { IrProgram } from "../../compiler/ir.js";
import { compileSource } from "../../compiler/pipeline.js";
import { HDL_TOPS, type HdlTop } from "../../targets/hdl/hdl-top.js";

/** The examples, plus a fixture whose handlers use every IR op and rounding mode the examples leave out. */
export const EXAMPLES = readdirSync(new URL("../../examples/", import.meta.url))
  .filter((f) => f.endsWith(".lstep"))
  .map((f) => `examples/${f}`);
export const PROGRAMS = [...EXAMPLES, "test/hdl/fixtures/every-op.lstep"];

export function compileExample(path: string): IrProgram {
  const c = compileSource(path, readFileSync(new URL(`../../${path}`, import.meta.url), "utf8"));
  if (!c.ir) throw new Error(`${path} does not compile: ${c.diagnostics.items.map((d) => d.message).join("; ")}`);
  return c.ir;
}

/** Every program with each of its HDL tops. */
export const HDL_CASES: readonly (readonly [string, HdlTop])[] = PROGRAMS.flatMap((f) => HDL_TOPS.map((top) => [f, top] as const));
