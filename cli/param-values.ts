import { renderDiagnostic } from "../language/render-diagnostic.js";
import { sourceFile } from "../language/source-file.js";
import { MAX_SOURCE_BYTES, readBoundedFile } from "../runtime/bounded-file.js";
import { ParameterError, parameterVector } from "../compiler/derived-eval.js";
import type { IrProgram } from "../compiler/ir.js";
import { parseParamsJson } from "./params-json.js";
import { paramLayout } from "../compiler/param-layout.js";
import { PARAM_FILE_MAGIC, readParamFile } from "../runtime/param-file.js";

/**
 * The full parameter vector from a parameter file of `lockstep params` (told by its magic), or from a
 * values file (`{ "gamma": 0.12 }`; the defaults without one): every
 * value checked against its declared range, then the derived slots by the shared loader. Notes (values
 * rounded to their format) come back rendered; any error is rendered with its location and no vector.
 */
export function readParamVector(ir: IrProgram, path: string | undefined): { vector: bigint[]; notes: string[] } | { error: string } {
  let base = ir.params.map((p) => p.default);
  const notes: string[] = [];
  if (path !== undefined) {
    const bytes = readBoundedFile(path, MAX_SOURCE_BYTES);
    if ("error" in bytes) return bytes;
    if (bytes.subarray(0, 8).toString("latin1") === PARAM_FILE_MAGIC) {
      const file = readParamFile(bytes, paramLayout(ir));
      return "error" in file ? { error: `${path}: the parameter file is refused: ${file.error}` } : { vector: file.values, notes };
    }
    const file = sourceFile(path, bytes.toString("utf8"));
    const values = parseParamsJson(file, ir);
    if (!("base" in values)) return { error: values.diagnostics.errors().map((d) => renderDiagnostic(file, d)).join("\n\n") };
    for (const d of values.diagnostics.items) notes.push(renderDiagnostic(file, d));
    base = values.base;
  }
  try {
    return { vector: parameterVector(ir, base), notes };
  } catch (e) {
    if (e instanceof ParameterError) return { error: `${path ?? "the default parameters"}: the parameter set is refused: ${e.message}` };
    throw e;
  }
}
