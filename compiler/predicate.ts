import type { CmpPred } from "./ir.js";

/** Whether `a pred b` holds: the one reading of a cmp, for the exact (BigInt) and the float semantics alike. */
export function holds<T extends bigint | number>(pred: CmpPred, a: T, b: T): boolean {
  switch (pred) {
    case "lt":
      return a < b;
    case "le":
      return a <= b;
    case "eq":
      return a === b;
    case "ne":
      return a !== b;
    default: {
      const never: never = pred;
      throw new Error(`unknown predicate ${String(never)}`);
    }
  }
}
