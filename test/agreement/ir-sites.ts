import type { Instr, IrProgram, ValueId } from "../../compiler/ir.js";
import { REJECT_REASONS } from "../../compiler/ir.js";
import { handlerOf, SiteNotFound } from "./ir-edit.js";

/**
 * Where IR mutants apply, found by the structure of the program (the op, its operands, the slots they
 * read) rather than by position, so a site survives changes elsewhere; a site that is missing or
 * ambiguous throws SiteNotFound.
 */
/** An instruction of one op (several ops share a member of the Op union). */
export type OpOf<K extends Instr["op"]> = Instr & { readonly op: K };

export interface Site {
  readonly event: string;
  readonly id: ValueId;
}

export type Finder = (p: IrProgram) => Site;
type Body = readonly Instr[];

/** The one instruction of handler `event` matching `pred`. */
export function the(event: string, what: string, pred: (ins: Instr, body: Body, p: IrProgram) => boolean): Finder {
  return (p) => {
    const h = handlerOf(p, event);
    const hits = h.body.filter((ins) => pred(ins, h.body, p));
    if (hits.length !== 1) throw new SiteNotFound(`${p.name}, on ${event}: ${hits.length} sites match '${what}' (want exactly 1)`);
    return { event, id: hits[0].id };
  };
}

export const stateSlot = (p: IrProgram, name: string) => {
  const i = p.state.findIndex((s) => s.name === name);
  if (i < 0) throw new SiteNotFound(`${p.name}: no state '${name}'`);
  return i;
};

export const paramSlot = (p: IrProgram, name: string) => {
  const i = p.params.findIndex((s) => s.name === name);
  if (i < 0) throw new SiteNotFound(`${p.name}: no parameter '${name}'`);
  return i;
};

/** A derived parameter by the source text it was hoisted from; its slot in the parameter vector. */
export const derivedSlot = (p: IrProgram, text: string) => {
  const i = p.derived.findIndex((d) => d.text === text);
  if (i < 0) throw new SiteNotFound(`${p.name}: no derived parameter '${text}' (have: ${p.derived.map((d) => d.text).join("; ")})`);
  return p.params.length + i;
};

export const lutIndex = (p: IrProgram, name: string) => {
  const i = p.luts.findIndex((l) => l.name === name);
  if (i < 0) throw new SiteNotFound(`${p.name}: no table '${name}'`);
  return i;
};

/** A read of a state slot, directly or through a clamped view (the strategy's `position`). */
export const isState = (p: IrProgram, body: Body, id: ValueId, name: string): boolean => {
  const x = body[id];
  if (x.op === "clamp") return isState(p, body, x.a, name);
  return x.op === "state" && x.slot === stateSlot(p, name);
};

export const isParam = (p: IrProgram, body: Body, id: ValueId, name: string) => {
  const x = body[id];
  return x.op === "param" && x.slot === paramSlot(p, name);
};

export const isInput = (body: Body, id: ValueId, field: string) => {
  const x = body[id];
  return x.op === "input" && x.field === field;
};

/** A constant, possibly aligned by shl: its value in the constant's own format. */
export function leafConst(body: Body, id: ValueId): bigint | undefined {
  const x = body[id];
  if (x.op === "const") return x.value;
  if (x.op === "shl") return leafConst(body, x.a);
  return undefined;
}

/** The value a handler writes to a state slot. */
export function written(p: IrProgram, event: string, slotName: string): Site {
  const h = handlerOf(p, event);
  const slot = stateSlot(p, slotName);
  const w = h.writes.find((x) => x.slot === slot);
  if (!w) throw new SiteNotFound(`${p.name}, on ${event}: no write to '${slotName}'`);
  return { event, id: w.value };
}

/**
 * The condition of one pre-trade check in the order handler: the `reason` output is a chain of
 * select(failed_k, code_k, rest) in the order of REJECT_REASONS (compiler/lower/risk.ts). The chain is
 * walked from that output, so other chains of codes (halt_reason) are not mistaken for it.
 */
export function riskCheck(reason: (typeof REJECT_REASONS)[number]): Finder {
  const code = BigInt(REJECT_REASONS.indexOf(reason));
  return (p) => {
    const h = handlerOf(p, "order");
    const slot = p.outputs.findIndex((o) => o.name === "reason");
    const out = h.outputs.find((o) => o.slot === slot);
    if (!out) throw new SiteNotFound(`${p.name}, on order: no reason output`);
    for (let ins = h.body[out.value]; ins.op === "select"; ins = h.body[ins.b])
      if (h.body[ins.a].op === "const" && leafConst(h.body, ins.a) === code) return { event: "order", id: ins.cond };
    throw new SiteNotFound(`${p.name}, on order: no select(failed, ${code} (${reason}), ...) in the verdict chain`);
  };
}

/** The instruction at a site, asserting its op. */
export function at<K extends Instr["op"]>(p: IrProgram, s: Site, op: K): OpOf<K> {
  const ins = handlerOf(p, s.event).body[s.id];
  if (ins.op !== op) throw new SiteNotFound(`${p.name}, on ${s.event}: #${s.id} is ${ins.op}, not ${op}`);
  return ins as OpOf<K>;
}

/** A site derived from another: the operand `which` of the instruction found by `f`. */
export function operandOf(f: Finder, which: "a" | "b" | "cond" | "index"): Finder {
  return (p) => {
    const s = f(p);
    const ins = handlerOf(p, s.event).body[s.id] as Record<string, unknown>;
    const id = ins[which];
    if (typeof id !== "number") throw new SiteNotFound(`${p.name}, on ${s.event}: #${s.id} (${String(ins.op)}) has no operand ${which}`);
    return { event: s.event, id };
  };
}
