import { readdirSync, readFileSync } from "node:fs";
import type { IrProgram } from "../../compiler/ir.js";
import { compileSource } from "../../compiler/pipeline.js";

export const EXAMPLES = readdirSync(new URL("../../examples/", import.meta.url)).filter((f) => f.endsWith(".lstep"));

export function compileExample(file: string): IrProgram {
  const path = `examples/${file}`;
  const c = compileSource(path, readFileSync(new URL(`../../${path}`, import.meta.url), "utf8"));
  if (!c.ir) throw new Error(`${path} does not compile`);
  return c.ir;
}
