import type * as A from "../../language/ast.js";
import * as X from "../exact-math.js";
import { NONE, PRICE, QTY, TIME, type Unit } from "../units.js";

const NS_PER: Record<A.DurationUnit, bigint> = {
  ns: 1n,
  us: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** The exact value and unit of a literal (durations in nanoseconds). */
export function literalValue(e: A.Expr): { value: X.Rational; unit: Unit } | undefined {
  switch (e.kind) {
    case "number":
      return { value: X.parseDecimal(e.text), unit: NONE };
    case "ticks":
      return { value: X.parseDecimal(e.text), unit: PRICE };
    case "lots":
      return { value: X.parseDecimal(e.text), unit: QTY };
    case "duration":
      return { value: X.mul(X.parseDecimal(e.text), X.rat(NS_PER[e.unit])), unit: TIME };
    default:
      return undefined;
  }
}

/**
 * Folds an expression made only of literals and + - * / into an exact rational, or undefined. A chain
 * (`1 + 1 + ... + 1`) is folded along its left spine with a loop, so its length costs no stack.
 */
export function constantValue(e: A.Expr): X.Rational | undefined {
  const spine: Extract<A.Expr, { kind: "binary" }>[] = [];
  let leftmost = e;
  while (leftmost.kind === "binary") {
    spine.push(leftmost);
    leftmost = leftmost.left;
  }
  let acc = constantLeaf(leftmost);
  for (let i = spine.length - 1; i >= 0 && acc; i--) {
    const b = constantValue(spine[i].right);
    acc = b && foldBinary(spine[i].op, acc, b);
  }
  return acc;
}

function constantLeaf(e: A.Expr): X.Rational | undefined {
  const lit = literalValue(e);
  if (lit) return lit.value;
  if (e.kind === "unary" && e.op === "-") {
    const v = constantValue(e.operand);
    return v && X.rat(-v.n, v.d);
  }
  return undefined;
}

function foldBinary(op: A.BinaryOp, a: X.Rational, b: X.Rational): X.Rational | undefined {
  switch (op) {
    case "+":
      return X.add(a, b);
    case "-":
      return X.sub(a, b);
    case "*":
      return X.mul(a, b);
    case "/":
      return b.n === 0n ? undefined : X.div(a, b);
    default:
      return undefined;
  }
}
