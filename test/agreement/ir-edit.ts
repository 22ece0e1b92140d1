import { mapOperands, operands } from "../../compiler/dead-code.js";
import * as I from "../../compiler/interval.js";
import type { Handler, Instr, Interval, IrProgram, Op, ValueId } from "../../compiler/ir.js";

/**
 * Small pure edits of an IrProgram, the building blocks of IR mutants: replace one instruction, insert
 * new ones (renumbering the rest), redirect the uses of a value. After an edit, `reanalyze` recomputes
 * every interval so the emitters' range-driven choices (int32 fast paths, split products) stay exact for
 * the mutated program: a mutant must differ from the reference by its planted bug, not by an overflow.
 */

/** Thrown when a mutant's site is not in the program: the mutant must be updated, not skipped. */
export class SiteNotFound extends Error {}

export type NewInstr = Op & { readonly frac: number; readonly range: Interval; readonly loc: string };

export function handlerOf(p: IrProgram, event: string): Handler {
  const h = p.handlers.find((x) => x.event === event);
  if (!h) throw new SiteNotFound(`${p.name}: no '${event}' handler`);
  return h;
}

export function withHandler(p: IrProgram, event: string, f: (h: Handler) => Handler): IrProgram {
  handlerOf(p, event);
  return { ...p, handlers: p.handlers.map((h) => (h.event === event ? f(h) : h)) };
}

export function replaceInstr(h: Handler, id: ValueId, f: (ins: Instr) => Instr): Handler {
  return { ...h, body: h.body.map((ins) => (ins.id === id ? { ...f(ins), id } : ins)) };
}

/** Inserts `extra` before position `at`; returns the handler and the ids the new instructions got. */
export function insertBefore(h: Handler, at: ValueId, extra: (firstId: ValueId) => NewInstr[]): { handler: Handler; ids: ValueId[] } {
  const made = extra(at);
  const k = made.length;
  const shift = (x: ValueId) => (x >= at ? x + k : x);
  const body: Instr[] = [];
  for (const ins of h.body) {
    if (ins.id === at) made.forEach((m, i) => body.push({ ...m, id: at + i } as Instr));
    body.push(ins.id < at ? ins : ({ ...mapOperands(ins, shift), id: ins.id + k } as Instr));
  }
  if (at === h.body.length) made.forEach((m, i) => body.push({ ...m, id: at + i } as Instr));
  return {
    handler: {
      ...h,
      body,
      guard: shift(h.guard),
      writes: h.writes.map((w) => ({ slot: w.slot, value: shift(w.value) })),
      outputs: h.outputs.map((o) => ({ slot: o.slot, value: shift(o.value) })),
      functions: h.functions.map((f) => ({ ...f, value: shift(f.value), arg: shift(f.arg) })),
    },
    ids: made.map((_, i) => at + i),
  };
}

/** Every use of `from` by an instruction after `after`, and by the guard, writes and outputs, becomes `to`. */
export function redirectUses(h: Handler, from: ValueId, to: ValueId, after: ValueId): Handler {
  const re = (x: ValueId) => (x === from ? to : x);
  return {
    ...h,
    body: h.body.map((ins) => (ins.id > after ? ({ ...mapOperands(ins, re), id: ins.id } as Instr) : ins)),
    guard: re(h.guard),
    writes: h.writes.map((w) => ({ slot: w.slot, value: re(w.value) })),
    outputs: h.outputs.map((o) => ({ slot: o.slot, value: re(o.value) })),
    functions: h.functions.map((f) => ({ ...f, arg: re(f.arg) })),
  };
}

/** The instructions that read `id`. */
export function usersOf(h: Handler, id: ValueId): Instr[] {
  return h.body.filter((ins) => operands(ins).includes(id));
}

const WIDE = I.iv(-I.LIMIT_53, I.LIMIT_53);

/** Recomputes each interval from its operands' (never narrower than the original): sound for the mutant. */
export function reanalyze(p: IrProgram): IrProgram {
  return { ...p, handlers: p.handlers.map((h) => reanalyzeHandler(p, h)) };
}

function reanalyzeHandler(p: IrProgram, h: Handler): Handler {
  const body: Instr[] = [];
  const r = (id: ValueId) => body[id].range;
  for (const ins of h.body) body.push({ ...ins, range: I.hull(ins.range, rangeOf(p, ins, r)) } as Instr);
  return { ...h, body };
}

function rangeOf(p: IrProgram, ins: Instr, r: (id: ValueId) => Interval): Interval {
  switch (ins.op) {
    case "const":
      return I.point(ins.value);
    case "param": {
      const slot = ins.slot < p.params.length ? p.params[ins.slot] : p.derived[ins.slot - p.params.length];
      return slot.range;
    }
    case "state":
    case "input":
      return ins.range;
    case "add":
      return I.addI(r(ins.a), r(ins.b));
    case "sub":
      return I.subI(r(ins.a), r(ins.b));
    case "min":
      return I.minI(r(ins.a), r(ins.b));
    case "max":
      return I.maxI(r(ins.a), r(ins.b));
    case "neg":
      return I.negI(r(ins.a));
    case "abs":
      return I.absI(r(ins.a));
    case "not":
    case "and":
    case "or":
    case "cmp":
      return I.BOOL;
    case "mul":
      return I.mulShiftI(r(ins.a), r(ins.b), ins.shift, ins.round, ins.a === ins.b);
    case "div": {
      const d = r(ins.b);
      return d.lo <= 0n && d.hi >= 0n ? WIDE : I.divI(r(ins.a), d, ins.shift);
    }
    case "mod":
      return r(ins.b).lo > 0n ? I.modI(r(ins.a), r(ins.b)) : WIDE;
    case "shl":
      return I.shlI(r(ins.a), ins.n);
    case "shr":
      return I.shrI(r(ins.a), ins.n, ins.round);
    case "select":
      return I.hull(r(ins.a), r(ins.b));
    case "clamp":
      return I.clampI(r(ins.a), ins.lo, ins.hi);
    case "lut": {
      const values = p.luts[ins.table].values;
      return values.reduce((acc, v) => I.hull(acc, I.point(v)), I.point(values[0]));
    }
    default: {
      const never: never = ins;
      throw new Error(`unknown op ${JSON.stringify(never)}`);
    }
  }
}
