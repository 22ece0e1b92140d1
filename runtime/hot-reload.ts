import { readParamFile, type ParamLayout } from "./param-file.js";

/** Anything whose parameters can be swapped between events: every target engine and the interpreter. */
export interface Reloadable {
  reload(params: readonly bigint[]): void;
}

/**
 * A hot reload: the file is validated in full first (param-file.ts), and only then are the parameters
 * swapped, in one call between two events. A refused file changes nothing: the engine keeps its old
 * parameters, and the message says why.
 */
export function applyParams(engine: Reloadable, file: Uint8Array, layout: ParamLayout): { applied: true } | { error: string } {
  const r = readParamFile(file, layout);
  if ("error" in r) return r;
  engine.reload(r.values);
  return { applied: true };
}
