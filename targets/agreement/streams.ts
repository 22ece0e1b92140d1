import fc from "fast-check";
import type { Instr, Interval, IrProgram } from "../../compiler/ir.js";
import { EVENT_KIND_NAMES, type EventFields } from "../../runtime/event-tape.js";

/**
 * One step of a stream: an event, (kind -1) a hot reload of the base parameters, or (kind -2) a reset
 * with them. A reset inside a stream is how a replay reproduces a state leaked from an earlier stream.
 */
export interface StreamStep extends EventFields {
  readonly params?: readonly bigint[];
}

export const RELOAD = -1;
export const RESET = -2;

/** A step that changes the parameters (and, for a reset, restores the initial state). */
export const isParamStep = (s: EventFields) => s.kind === RELOAD || s.kind === RESET;

/** The end of the session clock: times are nanoseconds in [0, 2^50]. */
const TIME_END = 2 ** 50;

/**
 * Integer constants the program compares or clamps against: random values rarely land on them, and
 * off-by-one bugs live exactly there. Raw values of every parameter default are added too.
 */
export function thresholds(program: IrProgram): number[] {
  const out = new Set<number>();
  const add = (v: bigint) => {
    if (v > -(2n ** 52n) && v < 2n ** 52n) for (const d of [-1n, 0n, 1n]) out.add(Number(v + d));
  };
  for (const h of program.handlers)
    for (const ins of h.body) {
      if (ins.op === "clamp") [ins.lo, ins.hi].forEach(add);
      if (ins.op === "cmp") for (const x of [ins.a, ins.b]) constantOf(h.body[x], add);
    }
  for (const p of program.params) add(p.default);
  return [...out];
}

function constantOf(ins: Instr, add: (v: bigint) => void): void {
  if (ins.op === "const") add(ins.value);
}

/** Values aimed at the edges of a range and at the program's thresholds, plus anything in between. */
function fieldValue(r: Interval, marks: number[]): fc.Arbitrary<number> {
  const lo = Number(r.lo);
  const hi = Number(r.hi);
  const near = marks.filter((m) => m >= lo - 1 && m <= hi + 1);
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(lo, hi, lo - 1, hi + 1, 0, lo + 1, hi - 1) },
    // not integers at all: the engine contract makes such an event invalid on every target
    { weight: 1, arbitrary: fc.constantFrom(0.5, lo + 0.5, NaN, Infinity, -Infinity, 2 ** 53, -(2 ** 53)) },
    { weight: near.length ? 2 : 0, arbitrary: near.length ? fc.constantFrom(...near) : fc.constant(lo) },
    { weight: 5, arbitrary: fc.integer({ min: lo, max: hi }) },
    { weight: 2, arbitrary: fc.integer({ min: Math.max(lo, -1000), max: Math.min(hi, 1000) }) },
  );
}

/**
 * Events whose first two fields are a price and a quantity, with the product aimed at a threshold K:
 * qty * price = K exactly (qty a divisor of K), or one price tick either side. A notional limit is such
 * a product, and a flipped `<` / `<=` differs only at equality.
 */
function productAimed(kind: number, qty: Interval, px: Interval, marks: number[]): fc.Arbitrary<Omit<StreamStep, "t">> | undefined {
  const pairs: [number, number][] = [];
  for (const k of marks.filter((m) => m > Number(px.hi)))
    for (const q of divisors(BigInt(k), qty))
      if (k / q >= Number(px.lo) && k / q <= Number(px.hi)) pairs.push([k / q, q]);
  if (!pairs.length) return undefined;
  return fc
    .tuple(fc.constantFrom(...pairs), fc.constantFrom(-1, 0, 0, 1), fc.constantFrom(-1, 1))
    .map(([[price, q], delta, side]) => ({ kind, a: price + delta, b: q, c: side, d: 0 }));
}

/** Up to 64 divisors of k within a range, spread over it, found from k's small prime factors. */
function divisors(k: bigint, within: Interval): number[] {
  if (k <= 0n) return [];
  const factors: bigint[] = [];
  let rest = k;
  for (let p = 2n; p < 100_000n && p * p <= rest; p++)
    while (rest % p === 0n) {
      factors.push(p);
      rest /= p;
    }
  if (rest > 1n) factors.push(rest);
  let all = new Set<bigint>([1n]);
  for (const f of factors) all = new Set([...all, ...[...all].map((d) => d * f)]);
  const inRange = [...all].filter((d) => d >= within.lo && d <= within.hi && d > 0n).sort((a, b) => (a < b ? -1 : 1));
  const step = Math.max(1, Math.floor(inRange.length / 64));
  return inRange.filter((_, i) => i % step === 0).map(Number);
}

/** Event streams derived from the program's own declarations, so they work on any file. */
export function eventStream(program: IrProgram, maxLength = 40): fc.Arbitrary<StreamStep[]> {
  const marks = thresholds(program);
  const perKind = program.handlers.flatMap((h) => {
    const kind = EVENT_KIND_NAMES.indexOf(h.event);
    const spec = (f: "a" | "b" | "c" | "d") => h.inputs.find((i) => i.field === f);
    const field = (f: "a" | "b" | "c" | "d") => {
      const s = spec(f);
      return s ? fieldValue(s.range, marks) : fc.constant(0);
    };
    const plain = fc.record({ kind: fc.constant(kind), a: field("a"), b: field("b"), c: field("c"), d: field("d") });
    const aimed = spec("a") && spec("b") && h.event !== "book" ? productAimed(kind, spec("b")!.range, spec("a")!.range, marks) : undefined;
    return aimed ? [plain, aimed] : [plain];
  });
  const reload = baseParams(program).map((params) => ({ kind: RELOAD, a: 0, b: 0, c: 0, d: 0, params }));
  const unknownKind = fc.record({ kind: fc.constantFrom(6, 2.5, NaN), a: fc.constant(1), b: fc.constant(1), c: fc.constant(1), d: fc.constant(0) });
  const step = fc.oneof(
    { weight: 20, arbitrary: fc.oneof(...perKind) },
    { weight: program.params.length ? 1 : 0, arbitrary: reload },
    { weight: 1, arbitrary: unknownKind },
  );
  const dt = fc.oneof(
    { weight: 4, arbitrary: fc.constant(0) },
    { weight: 6, arbitrary: fc.integer({ min: 1, max: 2_000_000 }) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 120_000_000_000 }) },
    { weight: 1, arbitrary: fc.constant(-1) },
    // a jump to the end of the session clock (2^50 ns) and past it
    { weight: 1, arbitrary: fc.constantFrom(TIME_END - 1, TIME_END, TIME_END + 1).map((at) => ({ at })) },
    // a negative time: below the clock's range, refused
    { weight: 1, arbitrary: fc.constant({ at: -1 }) },
  );
  return fc.array(fc.tuple(step, dt), { minLength: 1, maxLength, size: "large" }).map((items) => {
    let t = 0;
    return items.map(([e, delta]) => {
      if (typeof delta !== "number") {
        t = Math.max(t, delta.at);
        return { ...e, t: delta.at };
      }
      t = Math.max(0, t + delta);
      return { ...e, t: delta < 0 ? Math.max(0, t - 5) : t };
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
