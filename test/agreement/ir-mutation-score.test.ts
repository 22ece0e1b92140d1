import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { operands } from "../../compiler/dead-code.js";
import type { IrProgram } from "../../compiler/ir.js";
import { compileSource } from "../../compiler/pipeline.js";
import { IR_MUTANTS, MUTANT_CLASSES, type Example } from "./ir-mutants.js";

/**
 * The IR mutation catalogue itself (the score, which runs `lockstep test` on each mutant, is in
 * ir-mutation-score.<example>.test.ts, one file per example so that they run in parallel).
 */
const EXAMPLES: readonly Example[] = ["avellaneda", "glft", "grid"];
const programs = new Map(
  EXAMPLES.map((e) => {
    const path = `examples/${e}.lstep`;
    return [e, compileSource(path, readFileSync(path, "utf8")).ir!] as const;
  }),
);
const show = (p: IrProgram) => JSON.stringify(p, (_k, v) => (typeof v === "bigint" ? `${v}n` : v));

/** Dense ids, operands defined before use, guard, writes and outputs inside the body. */
function wellFormed(p: IrProgram): string | undefined {
  for (const h of p.handlers) {
    const n = h.body.length;
    for (const [i, ins] of h.body.entries()) {
      if (ins.id !== i) return `on ${h.event}: instruction ${i} has id ${ins.id}`;
      if (operands(ins).some((x) => x < 0 || x >= i)) return `on ${h.event}: #${i} uses a later value`;
      if (ins.range.lo > ins.range.hi) return `on ${h.event}: #${i} has an empty range`;
    }
    if ([h.guard, ...h.writes.map((w) => w.value), ...h.outputs.map((o) => o.value)].some((x) => x < 0 || x >= n))
      return `on ${h.event}: the guard, a write or an output points outside the body`;
  }
  return undefined;
}

describe("the IR mutation catalogue", () => {
  it("has at least 40 mutants over all three examples, with every bug class of issue 6 and every operator", () => {
    expect(IR_MUTANTS.length).toBeGreaterThanOrEqual(40);
    for (const e of EXAMPLES) expect(IR_MUTANTS.filter((m) => m.example === e).length, e).toBeGreaterThanOrEqual(10);
    for (const cls of MUTANT_CLASSES)
      expect(
        IR_MUTANTS.some((m) => m.cls === cls),
        cls,
      ).toBe(true);
    const keys = IR_MUTANTS.map((m) => `${m.example}: ${m.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it.each(IR_MUTANTS.map((m) => [`${m.example}: ${m.name}`, m] as const))(
    "%s: the site is found, the mutant is a well-formed program of the same shape, the original is untouched",
    (_label, m) => {
      const ir = programs.get(m.example)!;
      const before = show(ir);
      const mutated = m.mutate(ir);
      expect(show(ir), "mutate is pure").toBe(before);
      expect(show(mutated)).not.toBe(before);
      expect(wellFormed(mutated)).toBeUndefined();
      expect([mutated.params.length, mutated.derived.length, mutated.state.length, mutated.outputs.length]).toEqual([
        ir.params.length,
        ir.derived.length,
        ir.state.length,
        ir.outputs.length,
      ]);
    },
  );

  it.each(IR_MUTANTS.filter((m) => m.equivalent).map((m) => [`${m.example}: ${m.name}`, m] as const))(
    "%s is equivalent: the facts its argument rests on hold",
    (_label, m) => {
      expect(() => m.equivalent!.check(programs.get(m.example)!), m.equivalent!.argument).not.toThrow();
    },
  );

  it("an equivalence check fails when its facts do not hold", () => {
    const m = IR_MUTANTS.find((x) => x.name === "rate_tat clamp: lower bound dropped")!;
    const ir = programs.get("avellaneda")!;
    // raise the clamp's lower bound above the proven start of the clamped value: now it could bind
    const order = ir.handlers.find((h) => h.event === "order")!;
    const tat = order.writes.find((w) => w.slot === ir.state.findIndex((s) => s.name === "rate_tat"))!;
    const select = order.body[tat.value];
    if (select.op !== "select") throw new Error("rate_tat is not written through a select");
    const broken = {
      ...ir,
      handlers: ir.handlers.map((h) =>
        h !== order
          ? h
          : { ...h, body: h.body.map((ins) => (ins.id === select.a && ins.op === "clamp" ? { ...ins, lo: ins.range.hi } : ins)) },
      ),
    };
    expect(() => m.equivalent!.check(broken)).toThrow(/equivalence argument broken/);
  });

  it("the ewma lower-bound argument fails when a product of the step floors, or the input can be negative", () => {
    const m = IR_MUTANTS.find((x) => x.name === "ewma clamp: lower bound dropped")!;
    const ir = programs.get("avellaneda")!;
    const book = ir.handlers.find((h) => h.event === "book")!;
    const slot = ir.state.findIndex((s) => s.name === "sigma2_bp");
    const clamp = book.body[book.writes.find((w) => w.slot === slot)!.value];
    if (clamp.op !== "clamp") throw new Error("sigma2_bp is not written through a clamp");
    const add = book.body[clamp.a];
    const sum = add.op === "add" && book.body[add.b].op === "shr" ? book.body[(book.body[add.b] as { a: number }).a] : undefined;
    if (sum?.op !== "add") throw new Error("the step is not a rounded sum");
    const edit = (f: (ins: (typeof book.body)[number]) => (typeof book.body)[number]) => ({
      ...ir,
      handlers: ir.handlers.map((h) => (h !== book ? h : { ...h, body: h.body.map(f) })),
    });
    // a floored product is off by up to 1, two of them by up to 2: the step could reach below -s
    const floored = edit((ins) => (ins.id === sum.a && ins.op === "mul" ? { ...ins, round: "floor" } : ins));
    expect(() => m.equivalent!.check(floored)).toThrow(/not to nearest/);
    // the first product is hi * c with hi = floor((x - s) / 2^k): let x's proven range reach below 0
    const arg = (id: number) => (book.body[id] as { a: number }).a;
    const diff = book.body[arg(arg(sum.a))];
    if (diff.op !== "sub") throw new Error("hi is not a shift of x - s");
    const signed = edit((ins) => (ins.id === diff.a ? { ...ins, range: { lo: -1n, hi: ins.range.hi } } : ins));
    expect(() => m.equivalent!.check(signed)).toThrow(/can be negative/);
  });

  it("the saturation argument fails when the square could stay below its bound", () => {
    const m = IR_MUTANTS.find((x) => x.name === "log-return ratio clamp: 17/16 bound 1 LSB high")!;
    const ir = programs.get("avellaneda")!;
    const book = ir.handlers.find((h) => h.event === "book")!;
    const isSaturation = (ins: (typeof book.body)[number]) => {
      const sq = ins.op === "clamp" ? book.body[ins.a] : undefined;
      return sq?.op === "mul" && sq.a === sq.b;
    };
    expect(book.body.filter(isSaturation)).toHaveLength(1);
    const broken = {
      ...ir,
      handlers: ir.handlers.map((h) =>
        h !== book ? h : { ...h, body: h.body.map((ins) => (isSaturation(ins) && ins.op === "clamp" ? { ...ins, hi: 1n << 52n } : ins)) },
      ),
    };
    expect(() => m.equivalent!.check(broken)).toThrow(/does not saturate/);
  });
});
