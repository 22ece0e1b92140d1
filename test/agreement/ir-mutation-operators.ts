import type { CmpPred, Handler, Instr, IrProgram, Rounding, ValueId } from "../../compiler/ir.js";
import { LIMIT_53 } from "../../compiler/interval.js";
import { insertBefore, reanalyze, redirectUses, replaceInstr, SiteNotFound, withHandler } from "./ir-edit.js";
import { at, stateSlot, type Finder, type Site } from "./ir-sites.js";

/**
 * Mutation operators on the IR: each is a pure function from a program to a mutated copy, a small
 * plausible compiler bug at one site. The site is found on the program given (see ir-sites.ts).
 */
export type Mutation = (p: IrProgram) => IrProgram;

type Amount = bigint | ((p: IrProgram) => bigint);
const amount = (a: Amount, p: IrProgram) => (typeof a === "bigint" ? a : a(p));

function edit(f: Finder, g: (h: Handler, s: Site, p: IrProgram) => Handler): Mutation {
  return (p) => {
    const s = f(p);
    return reanalyze(withHandler(p, s.event, (h) => g(h, s, p)));
  };
}

/** A comparison's predicate changed (lt <-> le, eq <-> ne). */
export const setPred = (f: Finder, pred: CmpPred): Mutation =>
  edit(f, (h, s, p) => {
    if (at(p, s, "cmp").pred === pred) throw new SiteNotFound(`${p.name}: #${s.id} already compares with ${pred}`);
    return replaceInstr(h, s.id, (ins) => ({ ...ins, pred }) as Instr);
  });

/** A comparison's operands swapped. */
export const swapCmpOperands = (f: Finder): Mutation =>
  edit(f, (h, s, p) => {
    const c = at(p, s, "cmp");
    return replaceInstr(h, s.id, () => ({ ...c, a: c.b, b: c.a }));
  });

/** A check that never fails: the comparison becomes x < x (the check disabled, as if its code were missing). */
export const neverTrue = (f: Finder): Mutation =>
  edit(f, (h, s, p) => {
    const c = at(p, s, "cmp");
    return replaceInstr(h, s.id, () => ({ ...c, pred: "lt", b: c.a }));
  });

/**
 * Operand `which` of the instruction at the site, a constant (or a constant aligned by shl), changed by
 * `delta` in the constant's own units. Constants are shared by common-subexpression elimination, so
 * the changed one is a fresh instruction used by this site only.
 */
export const constOperand = (f: Finder, which: "a" | "b", delta: Amount): Mutation =>
  edit(f, (h, s, p) => {
    const user = h.body[s.id] as Instr & Record<"a" | "b", ValueId>;
    const x = h.body[user[which]];
    const d = amount(delta, p);
    if (x.op === "const") {
      const { handler, ids } = insertBefore(h, s.id, () => [{ op: "const", value: x.value + d, frac: x.frac, range: x.range, loc: x.loc }]);
      return replaceInstr(handler, s.id + 1, (ins) => ({ ...ins, [which]: ids[0] }) as Instr);
    }
    const c = x.op === "shl" ? h.body[x.a] : undefined;
    if (x.op !== "shl" || c?.op !== "const")
      throw new SiteNotFound(`${p.name}, on ${s.event}: operand ${which} of #${s.id} is ${x.op}, not a constant`);
    const { handler, ids } = insertBefore(h, s.id, (first) => [
      { op: "const", value: c.value + d, frac: c.frac, range: c.range, loc: c.loc },
      { op: "shl", a: first, n: x.n, frac: x.frac, range: x.range, loc: x.loc },
    ]);
    return replaceInstr(handler, s.id + 2, (ins) => ({ ...ins, [which]: ids[1] }) as Instr);
  });

/** A clamp bound moved by `delta`, or dropped (the clamp no longer applies that side). */
export const clampBound = (f: Finder, bound: "lo" | "hi", change: bigint | "drop"): Mutation =>
  edit(f, (h, s, p) => {
    const c = at(p, s, "clamp");
    const drop = bound === "lo" ? -LIMIT_53 : LIMIT_53;
    return replaceInstr(h, s.id, () => ({ ...c, [bound]: change === "drop" ? drop : c[bound] + change }));
  });

/** The rounding of a mul or shr changed. */
export const setRounding = (f: Finder, round: Rounding): Mutation =>
  edit(f, (h, s) => {
    const ins = h.body[s.id];
    if ((ins.op !== "mul" && ins.op !== "shr") || ins.round === round)
      throw new SiteNotFound(`#${s.id} (${ins.op}) is not a mul or shr with another rounding than ${round}`);
    return replaceInstr(h, s.id, () => ({ ...ins, round }));
  });

/** A shift amount off by `delta`: shl/shr's n, or mul's shift. */
export const shiftBy = (f: Finder, delta: number): Mutation =>
  edit(f, (h, s) => {
    const ins = h.body[s.id];
    if (ins.op === "shl" || ins.op === "shr") return replaceInstr(h, s.id, () => ({ ...ins, n: ins.n + delta }));
    if (ins.op === "mul") return replaceInstr(h, s.id, () => ({ ...ins, shift: ins.shift + delta }));
    throw new SiteNotFound(`#${s.id} (${ins.op}) has no shift amount`);
  });

/** The operands of a non-commutative binary op swapped (a - b becomes b - a). */
export const swapOperands = (f: Finder): Mutation =>
  edit(f, (h, s) => {
    const ins = h.body[s.id];
    if (ins.op !== "sub" && ins.op !== "div" && ins.op !== "mod") throw new SiteNotFound(`#${s.id} (${ins.op}) is not sub, div or mod`);
    return replaceInstr(h, s.id, () => ({ ...ins, a: ins.b, b: ins.a }));
  });

/** A select with its arms swapped. */
export const swapSelectArms = (f: Finder): Mutation =>
  edit(f, (h, s, p) => {
    const sel = at(p, s, "select");
    return replaceInstr(h, s.id, () => ({ ...sel, a: sel.b, b: sel.a }));
  });

/** One table entry changed by `delta` LSB, at an index chosen on the program. */
export const lutEntry =
  (table: (p: IrProgram) => number, index: (p: IrProgram) => number, delta: bigint): Mutation =>
  (p) => {
    const t = table(p);
    const i = index(p);
    const lut = p.luts[t];
    if (i < 0 || i >= lut.values.length) throw new SiteNotFound(`${p.name}: entry ${i} outside ${lut.name}`);
    const values = lut.values.map((v, k) => (k === i ? v + delta : v));
    return reanalyze({ ...p, luts: p.luts.map((l, k) => (k === t ? { ...l, values } : l)) });
  };

/** A handler's write to a state slot dropped: the slot keeps its old value. */
export const dropWrite =
  (event: string, slotName: string): Mutation =>
  (p) => {
    const slot = stateSlot(p, slotName);
    return reanalyze(
      withHandler(p, event, (h) => {
        if (!h.writes.some((w) => w.slot === slot)) throw new SiteNotFound(`${p.name}, on ${event}: no write to ${slotName}`);
        let body = h.body;
        let read = body.find((ins) => ins.op === "state" && ins.slot === slot);
        if (!read) {
          const s = p.state[slot];
          read = { op: "state", slot, id: body.length, frac: s.frac, range: s.range, loc: s.loc };
          body = [...body, read];
        }
        const old = read.id;
        return { ...h, body, writes: h.writes.map((w) => (w.slot === slot ? { slot, value: old } : w)) };
      }),
    );
  };

/** Every read of a parameter slot sees it one LSB high: how a derived parameter 1 LSB high looks to a target. */
export const paramPlusLsb =
  (slotOf: (p: IrProgram) => number): Mutation =>
  (p) => {
    const slot = slotOf(p);
    let reads = 0;
    const handlers = p.handlers.map((h) => {
      const read = h.body.find((ins) => ins.op === "param" && ins.slot === slot);
      if (!read) return h;
      reads++;
      const { handler, ids } = insertBefore(h, read.id + 1, (first) => [
        { op: "const", value: 1n, frac: read.frac, range: { lo: 1n, hi: 1n }, loc: read.loc },
        { op: "add", a: read.id, b: first, frac: read.frac, range: read.range, loc: read.loc },
      ]);
      return redirectUses(handler, read.id, ids[1], ids[1]);
    });
    if (reads === 0) throw new SiteNotFound(`${p.name}: parameter slot ${slot} is never read`);
    return reanalyze({ ...p, handlers });
  };

/** The leaves of a handler's guard: one check per field (and the time check). */
export function guardChecks(h: Handler): ValueId[] {
  const leaves: ValueId[] = [];
  const walk = (id: ValueId) => {
    const ins = h.body[id];
    if (ins.op === "and") {
      walk(ins.a);
      walk(ins.b);
    } else leaves.push(id);
  };
  walk(h.guard);
  return leaves;
}

function readsInput(h: Handler, id: ValueId, field: string): boolean {
  const ins = h.body[id];
  if (ins.op === "input") return ins.field === field;
  return Object.entries(ins).some(([k, v]) => ["a", "b", "cond", "index"].includes(k) && typeof v === "number" && readsInput(h, v, field));
}

/** The guard's range check of one input field dropped: the check becomes x == x. */
export const weakenGuard =
  (event: string, field: string): Mutation =>
  (p) =>
    reanalyze(
      withHandler(p, event, (h) => {
        const checks = guardChecks(h).filter((id) => readsInput(h, id, field));
        if (checks.length !== 1)
          throw new SiteNotFound(`${p.name}, on ${event}: ${checks.length} guard checks read field ${field} (want 1)`);
        const c = h.body[checks[0]];
        if (c.op !== "cmp") throw new SiteNotFound(`${p.name}, on ${event}: the guard check of ${field} is ${c.op}, not cmp`);
        return replaceInstr(h, c.id, () => ({ ...c, pred: "eq", b: c.a }));
      }),
    );

/** The middle of a table's live zone: the proven interval of the index of every read of it. */
export function liveMiddle(table: (p: IrProgram) => number): (p: IrProgram) => number {
  return (p) => {
    const zone = liveZone(p, table(p));
    return Number((zone.lo + zone.hi) / 2n);
  };
}

export function liveZone(p: IrProgram, table: number): { lo: bigint; hi: bigint } {
  let lo: bigint | undefined;
  let hi: bigint | undefined;
  for (const h of p.handlers)
    for (const ins of h.body)
      if (ins.op === "lut" && ins.table === table) {
        const r = h.body[ins.index].range;
        lo = lo === undefined || r.lo < lo ? r.lo : lo;
        hi = hi === undefined || r.hi > hi ? r.hi : hi;
      }
  if (lo === undefined || hi === undefined) throw new SiteNotFound(`${p.name}: table ${table} is never read`);
  return { lo, hi };
}
