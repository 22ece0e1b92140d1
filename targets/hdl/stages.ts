import { operands } from "../../compiler/dead-code.js";
import { bitsFor } from "../../compiler/interval.js";
import type { Handler, Instr } from "../../compiler/ir.js";

/**
 * The pipeline stage of every value of a handler, for a top of `stages` stages (0 .. stages - 1). A value
 * that depends on state (through any operand) is in the last stage: state is read and written there
 * only, so the event in the last stage has always seen every earlier event's writes and back-to-back
 * events need no forwarding. Every other value depends only on the event and the parameters, so it can
 * be computed in any earlier stage: each goes in the stage of its latest operand, or in the next one when
 * its chain of logic in that stage would exceed `budget` (in the rough units of `cost`) and there is
 * such a chain before it. With one stage, everything is in stage 0.
 */
export function assignStages(h: Handler, stages: number, budget: number): number[] {
  const last = stages - 1;
  const stage: number[] = [];
  const depth: number[] = [];
  const late: boolean[] = [];
  for (const ins of h.body) {
    const ops = operands(ins);
    late[ins.id] = ins.op === "state" || ops.some((x) => late[x]);
    if (late[ins.id]) {
      stage[ins.id] = last;
      depth[ins.id] = 0;
      continue;
    }
    const s = Math.max(0, ...ops.map((x) => stage[x]));
    const before = Math.max(0, ...ops.filter((x) => stage[x] === s).map((x) => depth[x]));
    const d = before + cost(ins, h);
    // an op over the budget on its own stays where its operands are: a later stage would not shorten it
    const next = d > budget && before > 0 && s < last - 1;
    stage[ins.id] = next ? s + 1 : s;
    depth[ins.id] = next ? cost(ins, h) : d;
  }
  return stage;
}

/**
 * A rough delay of one op: one unit per level of LUTs, plus a carry chain's length in 32-bit units.
 * Only the ratios matter; they decide where the stage registers go, never what is computed.
 */
function cost(ins: Instr, h: Handler): number {
  const w = (id: number) => bitsFor(h.body[id].range);
  const chain = (bits: number) => bits / 32;
  switch (ins.op) {
    case "const":
    case "param":
    case "state":
    case "input":
    case "shl":
      return 0;
    case "shr":
      return ins.round === "floor" ? 0 : 1 + chain(w(ins.a));
    case "add":
    case "sub":
    case "neg":
      return 1 + chain(bitsFor(ins.range));
    case "cmp":
      return 1 + chain(Math.max(w(ins.a), w(ins.b)));
    case "min":
    case "max":
    case "abs":
    case "clamp":
      return 2 + chain(Math.max(bitsFor(ins.range), w(ins.a)));
    case "mul": {
      const sign = (id: number) => h.body[id].range.lo >= -1n && h.body[id].range.hi <= 1n;
      return sign(ins.a) || sign(ins.b) ? 1.5 : 4 + (w(ins.a) + w(ins.b)) / 16;
    }
    case "div":
    case "mod":
      return 4 + w(ins.a);
    case "not":
    case "and":
    case "or":
      return 0.5;
    case "select":
    case "lut":
      return 1;
    default: {
      const never: never = ins;
      throw new Error(`unknown op ${JSON.stringify(never)}`);
    }
  }
}
