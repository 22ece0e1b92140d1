import type { Instr } from "./ir.js";

/**
 * Whether a value is a condition (0 or 1 by construction): comparisons, their combinations, and selects
 * between conditions. Targets may carry these in a cheaper form (JS booleans, i32 in WebAssembly).
 */
export function isCondition(ins: Instr, body: readonly Instr[]): boolean {
  switch (ins.op) {
    case "cmp":
    case "and":
    case "or":
    case "not":
      return true;
    case "select":
      return isCondition(body[ins.a], body) && isCondition(body[ins.b], body);
    default:
      return false;
  }
}
