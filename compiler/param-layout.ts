import { createHash } from "node:crypto";
import type { IrProgram } from "./ir.js";

/**
 * What a parameter file must match. runtime/param-file.ts declares the same shape for itself: it imports
 * nothing, so that the emitted module can carry it verbatim, and the compiler never imports the runtime.
 */
export interface ParamLayout {
  /** 16 hex digits. */
  readonly hash: string;
  readonly baseCount: number;
  /** Every slot, base then derived, with the raw range a value must lie in. */
  readonly slots: readonly { readonly name: string; readonly lo: bigint; readonly hi: bigint }[];
}

/**
 * The program's parameter layout and its hash: every slot's name, format and range, and each derived
 * parameter's formula, in vector order. Two programs share a hash only if a parameter file of one means
 * the same to the other; any change to a parameter (even a range or a derived formula) makes old files
 * refused instead of misread.
 */
export function paramLayout(ir: IrProgram): ParamLayout {
  const lines = [
    "lockstep parameter layout 1",
    ...ir.params.map((p) => `param ${p.name} frac ${p.frac} range ${p.range.lo} ${p.range.hi}`),
    ...ir.derived.map((d) => `derived ${d.name} frac ${d.frac} range ${d.range.lo} ${d.range.hi} checked ${d.checked} = ${JSON.stringify(d.expr, (_, x) => (typeof x === "bigint" ? String(x) : x))}`),
  ];
  return {
    hash: createHash("sha256").update(lines.join("\n")).digest("hex").slice(0, 16),
    baseCount: ir.params.length,
    slots: [...ir.params, ...ir.derived].map((s) => ({ name: s.name, lo: s.range.lo, hi: s.range.hi })),
  };
}
