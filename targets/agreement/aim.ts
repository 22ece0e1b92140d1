import type { Handler, IrProgram } from "../../compiler/ir.js";
import { tookFirst, type CoverageTarget } from "./coverage.js";

/**
 * What the solver minimises for a coverage target: a score of the handler's values whose sign says
 * whether the target is met (negative: a comparison true, an index below the entry wanted...), so
 * bisection on a field finds where it starts or stops being met.
 */
/** Over the values of a handler as doubles (exact integers, as the probe gives them). */
export type Objective = (v: Float64Array) => bigint;

const big = BigInt;

/** A score for comparison `id`: negative exactly when it is true (eq/ne: zero at equality). */
export function cmpScore(h: Handler, id: number): Objective | undefined {
  const ins = h.body[id];
  if (ins.op !== "cmp") return undefined;
  return ins.pred === "le" ? (v) => big(v[ins.a]) - big(v[ins.b]) - 1n : (v) => big(v[ins.a]) - big(v[ins.b]);
}

/** A comparison deciding a boolean value (itself, or one operand of an and/or/not), for aiming at it. */
export function decidingCmp(h: Handler, id: number): number | undefined {
  const ins = h.body[id];
  if (ins.op === "cmp") return id;
  if (ins.op === "not") return decidingCmp(h, ins.a);
  if (ins.op === "and" || ins.op === "or") return decidingCmp(h, ins.b) ?? decidingCmp(h, ins.a);
  return undefined;
}

/** The score for a target, or undefined when no field moves it monotonically enough to aim at. */
export function objective(program: IrProgram, t: CoverageTarget): Objective | undefined {
  const h = program.handlers[t.handler];
  switch (t.kind) {
    case "cmp":
      return cmpScore(h, t.id);
    case "select": {
      const ins = h.body[t.id];
      if (ins.op === "min" || ins.op === "max") return (v) => big(v[ins.a]) - big(v[ins.b]);
      const c = ins.op === "select" ? decidingCmp(h, ins.cond) : undefined;
      return c === undefined ? undefined : cmpScore(h, c);
    }
    case "clamp": {
      const ins = h.body[t.id];
      if (ins.op !== "clamp") return undefined;
      return t.side === 2 ? (v) => big(v[ins.a]) - ins.hi - 1n : (v) => big(v[ins.a]) - ins.lo;
    }
    case "lut": {
      const ins = h.body.find((i) => i.op === "lut" && i.table === t.table);
      return ins?.op === "lut" ? (v) => big(v[ins.index]) - BigInt(t.entry) : undefined;
    }
    case "reason": {
      const cond = reasonCondition(h, t.id, t.value);
      const c = cond === undefined ? undefined : decidingCmp(h, cond);
      return c === undefined ? undefined : cmpScore(h, c);
    }
    default: {
      const never: never = t;
      throw new Error(`unknown target ${JSON.stringify(never)}`);
    }
  }
}

/** Whether the values meet the target (the event must also pass the guard). */
export function met(program: IrProgram, t: CoverageTarget, v: Float64Array): boolean {
  const h = program.handlers[t.handler];
  const ins = t.kind === "lut" ? undefined : h.body[t.id];
  switch (t.kind) {
    case "cmp":
      return (v[t.id] !== 0 ? 1 : 0) === t.outcome;
    case "select":
      return ins !== undefined && (tookFirst(ins, v) ? 1 : 0) === t.outcome;
    case "clamp": {
      if (ins?.op !== "clamp") return false;
      const x = v[ins.a];
      return (x < ins.lo ? 0 : x > ins.hi ? 2 : 1) === t.side;
    }
    case "lut":
      return h.body.some((i) => i.op === "lut" && i.table === t.table && v[i.index] === t.entry);
    case "reason":
      return big(v[t.id]) === t.value;
    default: {
      const never: never = t;
      throw new Error(`unknown target ${JSON.stringify(never)}`);
    }
  }
}

/** In a chain select(c1, r1, select(c2, r2, ...)), the condition that yields reason `value`. */
export function reasonCondition(h: Handler, id: number, value: bigint): number | undefined {
  for (let ins = h.body[id]; ins.op === "select"; ins = h.body[ins.b]) {
    const a = h.body[ins.a];
    if (a.op === "const" && a.value === value) return ins.cond;
  }
  return undefined;
}

/** The reason chain's conditions in priority order, for making an order pass every check. */
export function reasonConditions(h: Handler, id: number): number[] {
  const out: number[] = [];
  for (let ins = h.body[id]; ins.op === "select"; ins = h.body[ins.b]) out.push(ins.cond);
  return out;
}
