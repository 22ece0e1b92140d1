import type { IrProgram } from "../../compiler/ir.js";
import { PARAM_FILE_HEADER } from "../../runtime/param-file.js";

/**
 * Where everything lives in the module's linear memory, in bytes. Parameters (base then derived) and
 * state are i64; outputs are f64 (exact: every value is below 2^53) so a host reads them without BigInt;
 * lookup tables are i64 arrays. The module exports these offsets as i32 globals.
 */
export interface MemoryLayout {
  readonly params: number;
  readonly paramCount: number;
  readonly state: number;
  readonly stateCount: number;
  readonly outputs: number;
  readonly outputCount: number;
  readonly luts: readonly number[];
  /** One i64 the handlers round-trip deep dependency chains through (see emit-wasm.ts). */
  readonly spill: number;
  /** One event row [kind, t, a, b, c, d] (f64): where `step` puts its arguments to run the batch loop on them. */
  readonly event: number;
  /** Where a host puts a parameter file for `load_params` (emit-load-params.ts). */
  readonly paramFile: number;
  readonly bytes: number;
}

export function memoryLayout(program: IrProgram): MemoryLayout {
  const paramCount = program.params.length + program.derived.length;
  const params = 0;
  const state = params + 8 * paramCount;
  const outputs = state + 8 * program.state.length;
  let next = outputs + 8 * program.outputs.length;
  const luts = program.luts.map((l) => {
    const at = next;
    next += 8 * l.values.length;
    return at;
  });
  const spill = next;
  return {
    params,
    paramCount,
    state,
    stateCount: program.state.length,
    outputs,
    outputCount: program.outputs.length,
    luts,
    spill,
    event: spill + 8,
    paramFile: spill + 8 + 48,
    bytes: spill + 8 + 48 + PARAM_FILE_HEADER + 8 * paramCount,
  };
}
