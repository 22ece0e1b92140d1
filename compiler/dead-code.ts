import type { Handler, Instr, Op, ValueId } from "./ir.js";

/** Operand ids of an op, in a fixed order. */
export function operands(op: Op): ValueId[] {
  switch (op.op) {
    case "const":
    case "param":
    case "state":
    case "input":
      return [];
    case "neg":
    case "abs":
    case "not":
    case "shl":
    case "shr":
    case "clamp":
      return [op.a];
    case "lut":
      return [op.index];
    case "select":
      return [op.cond, op.a, op.b];
    case "add":
    case "sub":
    case "min":
    case "max":
    case "and":
    case "or":
    case "mul":
    case "div":
    case "mod":
    case "cmp":
      return [op.a, op.b];
    default: {
      const never: never = op;
      throw new Error(`unknown op ${JSON.stringify(never)}`);
    }
  }
}

/** Drops values nothing observable depends on and renumbers the rest densely, keeping their order. */
export function eliminateDeadCode(h: Handler): Handler {
  const live = new Set<ValueId>([h.guard, ...h.writes.map((w) => w.value), ...h.outputs.map((o) => o.value)]);
  for (let i = h.body.length - 1; i >= 0; i--) if (live.has(i)) for (const x of operands(h.body[i])) live.add(x);
  const renum = new Map<ValueId, ValueId>();
  const body: Instr[] = [];
  const re = (x: ValueId) => renum.get(x)!;
  for (const ins of h.body) {
    if (!live.has(ins.id)) continue;
    renum.set(ins.id, body.length);
    body.push(remap(ins, body.length, re));
  }
  return {
    ...h,
    body,
    guard: re(h.guard),
    writes: h.writes.map((w) => ({ slot: w.slot, value: re(w.value) })),
    outputs: h.outputs.map((o) => ({ slot: o.slot, value: re(o.value) })),
  };
}

function remap(ins: Instr, id: ValueId, re: (x: ValueId) => ValueId): Instr {
  switch (ins.op) {
    case "const":
    case "param":
    case "state":
    case "input":
      return { ...ins, id };
    case "neg":
    case "abs":
    case "not":
    case "shl":
    case "shr":
    case "clamp":
      return { ...ins, id, a: re(ins.a) };
    case "lut":
      return { ...ins, id, index: re(ins.index) };
    case "select":
      return { ...ins, id, cond: re(ins.cond), a: re(ins.a), b: re(ins.b) };
    default:
      return { ...ins, id, a: re(ins.a), b: re(ins.b) } as Instr;
  }
}
