import { eliminateDeadCode, operands } from "./dead-code.js";
import type { Handler, Instr, IrProgram, ValueId } from "./ir.js";

/**
 * The part of a program that decides the named outputs: those outputs, the state slots they depend on
 * (through any chain of handlers: a reference price written on book events and read on order events),
 * and every handler with only the writes and outputs that feed them. Every handler keeps its guard, so an
 * event is accepted or refused exactly as by the whole program. Parameters are kept as they are (the
 * parameter vector, and so the config port, is the whole program's); tables the slice no longer reads are
 * dropped.
 *
 * The slice is an IrProgram of its own: the reference interpreter runs it, and after every event its
 * state slots and outputs equal the whole program's slots of the same names, because a kept slot is only
 * ever computed from kept slots.
 */
export function sliceProgram(program: IrProgram, outputNames: readonly string[]): IrProgram {
  const keptOutputs = program.outputs.flatMap((o, i) => (outputNames.includes(o.name) ? [i] : []));
  const keptState = new Set<number>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const h of program.handlers)
      for (const slot of statesRead(h, keptOutputs, keptState))
        if (!keptState.has(slot)) {
          keptState.add(slot);
          grew = true;
        }
  }
  const stateIndex = renumber(program.state.length, (i) => keptState.has(i));
  const outputIndex = renumber(program.outputs.length, (i) => keptOutputs.includes(i));
  const handlers = program.handlers.map((h) =>
    eliminateDeadCode({
      ...h,
      writes: h.writes.filter((w) => stateIndex.has(w.slot)).map((w) => ({ slot: stateIndex.get(w.slot)!, value: w.value })),
      outputs: h.outputs.filter((o) => outputIndex.has(o.slot)).map((o) => ({ slot: outputIndex.get(o.slot)!, value: o.value })),
    }),
  );
  const tablesRead = new Set(handlers.flatMap((h) => h.body.flatMap((ins) => (ins.op === "lut" ? [ins.table] : []))));
  const lutIndex = renumber(program.luts.length, (i) => tablesRead.has(i));
  const remap = (ins: Instr): Instr =>
    ins.op === "state" ? { ...ins, slot: stateIndex.get(ins.slot)! } : ins.op === "lut" ? { ...ins, table: lutIndex.get(ins.table)! } : ins;
  return {
    ...program,
    state: program.state.filter((_, i) => keptState.has(i)),
    outputs: program.outputs.filter((_, i) => outputIndex.has(i)),
    luts: program.luts.filter((_, i) => tablesRead.has(i)),
    handlers: handlers.map((h) => ({ ...h, body: h.body.map(remap) })),
  };
}

/** State slots read by the values a handler's guard, kept outputs and writes to kept slots depend on. */
function statesRead(h: Handler, keptOutputs: readonly number[], keptState: ReadonlySet<number>): number[] {
  const live = new Set<ValueId>([
    h.guard,
    ...h.outputs.filter((o) => keptOutputs.includes(o.slot)).map((o) => o.value),
    ...h.writes.filter((w) => keptState.has(w.slot)).map((w) => w.value),
  ]);
  const slots: number[] = [];
  for (let i = h.body.length - 1; i >= 0; i--) {
    if (!live.has(i)) continue;
    const ins = h.body[i];
    if (ins.op === "state") slots.push(ins.slot);
    for (const x of operands(ins)) live.add(x);
  }
  return slots;
}

/** Old index -> new index of the kept ones, in their order. */
function renumber(count: number, keep: (i: number) => boolean): Map<number, number> {
  const m = new Map<number, number>();
  for (let i = 0; i < count; i++) if (keep(i)) m.set(i, m.size);
  return m;
}
