import type { Handler, Instr, Op, ValueId } from "./ir.js";

/** The op with each operand id replaced by f(id); the one place that knows which fields are operands. */
export function mapOperands<T extends Op>(op: T, f: (x: ValueId) => ValueId): T {
  const o = op as Op;
  switch (o.op) {
    case "const":
    case "param":
    case "state":
    case "input":
      return op;
    case "neg":
    case "abs":
    case "not":
    case "shl":
    case "shr":
    case "clamp":
      return { ...o, a: f(o.a) } as T;
    case "lut":
      return { ...o, index: f(o.index) } as T;
    case "select":
      return { ...o, cond: f(o.cond), a: f(o.a), b: f(o.b) } as T;
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
      return { ...o, a: f(o.a), b: f(o.b) } as T;
    default: {
      const never: never = o;
      throw new Error(`unknown op ${JSON.stringify(never)}`);
    }
  }
}

/** Operand ids of an op. */
export function operands(op: Op): ValueId[] {
  const ids: ValueId[] = [];
  mapOperands(op, (x) => (ids.push(x), x));
  return ids;
}

/** 1 for every instruction `root` depends on, itself included (operands come before their users). */
export function cone(h: Handler, root: ValueId): Uint8Array {
  const inCone = new Uint8Array(h.body.length);
  inCone[root] = 1;
  for (let i = root; i >= 0; i--) {
    if (!inCone[i]) continue;
    for (const x of operands(h.body[i])) inCone[x] = 1;
  }
  return inCone;
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
    body.push({ ...mapOperands(ins, re), id: body.length });
  }
  return {
    ...h,
    body,
    guard: re(h.guard),
    writes: h.writes.map((w) => ({ slot: w.slot, value: re(w.value) })),
    outputs: h.outputs.map((o) => ({ slot: o.slot, value: re(o.value) })),
    functions: h.functions.filter((f) => live.has(f.value)).map((f) => ({ ...f, value: re(f.value), arg: re(f.arg) })),
  };
}
