import { encodeParamFile } from "../runtime/param-file-write.js";
import { exactDecimal } from "./slot-format.js";
import { paramLayout } from "../compiler/param-layout.js";
import { writeOutputFile } from "./output-file.js";
import { readParamVector } from "./param-values.js";
import { compileOrReport } from "./read-source.js";

/**
 * `lockstep params FILE.lstep values.json -o P.bin`: checks every value against its declared range,
 * computes the derived parameters with the shared loader, and writes the binary parameter file
 * (runtime/param-file.ts) that the runtime and every emitted module load, and hot-reload.
 */
export function runParams(file: string, values: string, out: string): number {
  const ir = compileOrReport(file);
  if (!ir) return 1;
  const r = readParamVector(ir, values);
  if ("error" in r) return fail(r.error);
  for (const note of r.notes) process.stderr.write(`${note}\n\n`);
  const layout = paramLayout(ir);
  const problem = writeOutputFile(out, encodeParamFile(layout, r.vector), [file, values]);
  if (problem) return fail(`lockstep: ${problem}`);
  const slots = [...ir.params, ...ir.derived];
  const width = Math.max(...slots.map((s) => s.name.length));
  const formula = (i: number) => (i < ir.params.length ? "" : `  = ${ir.derived[i - ir.params.length].text}`);
  const rows = slots.map((s, i) => `  ${i < ir.params.length ? "param  " : "derived"} ${s.name.padEnd(width)}  ${exactDecimal(r.vector[i], s.frac)}${formula(i)}`);
  process.stdout.write(`wrote ${out}: ${slots.length} values for ${ir.name} (layout ${layout.hash})\n${rows.join("\n")}\n`);
  return 0;
}

function fail(message: string): number {
  process.stderr.write(`${message}\n`);
  return 1;
}
