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

/** isCondition for every value of a body in one forward pass (operands precede their uses): linear, no recursion. */
export function conditionFlags(body: readonly Instr[]): boolean[] {
  const flags: boolean[] = [];
  for (const ins of body)
    flags[ins.id] = ins.op === "select" ? flags[ins.a] && flags[ins.b] : isCondition(ins, body);
  return flags;
}
