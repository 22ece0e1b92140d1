import fc from "fast-check";
import type { Interval, IrProgram } from "../../compiler/ir.js";
import { EVENT_KIND_NAMES } from "../../runtime/event-tape.js";

export interface Ev {
  readonly kind: number;
  readonly t: number;
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
}

/** Values aimed at the edges of a declared range: both ends, one past each, zero, and anything between. */
function edgy(r: Interval): fc.Arbitrary<number> {
  const lo = Number(r.lo);
  const hi = Number(r.hi);
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(lo, hi, lo - 1, hi + 1, 0, lo + 1, hi - 1) },
    { weight: 5, arbitrary: fc.integer({ min: lo, max: hi }) },
    { weight: 2, arbitrary: fc.integer({ min: Math.max(lo, -1000), max: Math.min(hi, 1000) }) },
  );
}

/** Event streams derived from the program's own declarations, so they work on any file. */
export function eventStream(program: IrProgram, maxLength = 40): fc.Arbitrary<Ev[]> {
  const perKind = program.handlers.map((h) => {
    const kind = EVENT_KIND_NAMES.indexOf(h.event);
    const field = (f: "a" | "b" | "c" | "d") => {
      const spec = h.inputs.find((i) => i.field === f);
      return spec ? edgy(spec.range) : fc.constant(0);
    };
    return fc.record({ kind: fc.constant(kind), a: field("a"), b: field("b"), c: field("c"), d: field("d") });
  });
  const dt = fc.oneof(
    { weight: 4, arbitrary: fc.constant(0) },
    { weight: 6, arbitrary: fc.integer({ min: 1, max: 2_000_000 }) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 120_000_000_000 }) },
    { weight: 1, arbitrary: fc.constant(-1) },
  );
  return fc.array(fc.tuple(fc.oneof(...perKind), dt), { minLength: 1, maxLength }).map((items) => {
    let t = 0;
    return items.map(([e, step]) => {
      t = Math.max(0, t + step);
      return { ...e, t: step < 0 ? Math.max(0, t - 5) : t };
    });
  });
}

/** Base parameters within their declared ranges, biased to the ends. */
export function baseParams(program: IrProgram): fc.Arbitrary<bigint[]> {
  return fc.tuple(
    ...program.params.map((p) =>
      fc.oneof(
        { weight: 2, arbitrary: fc.constantFrom(p.range.lo, p.range.hi, p.default) },
        { weight: 3, arbitrary: fc.bigInt({ min: p.range.lo, max: p.range.hi }) },
      ),
    ),
  );
}
