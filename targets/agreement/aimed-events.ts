import type { Handler, InputField, IrProgram } from "../../compiler/ir.js";
import { EVENT_KIND_NAMES, EventKind, type EventFields } from "../../runtime/event-tape.js";
import { decidingCmp, cmpScore, met, objective, reasonConditions, type Objective } from "./aim.js";
import { cone } from "../../compiler/dead-code.js";
import type { CoverageTarget } from "./coverage.js";
import { boundaries, nearest, type Score } from "./field-solver.js";
import type { Probe } from "./probe.js";

/**
 * Events aimed by the solver: one field of the last event (or of the event before it, such as a fill
 * before an order) searched by bisection on the reference's pure evaluation, the rest held fixed.
 */
export const FIELDS: readonly InputField[] = ["a", "b", "c", "d", "t"];

/** How far ahead of the last event the solver looks in time: beyond any rate window. */
const TIME_REACH = 2n ** 42n;

export const kindOf = (h: Handler) => EVENT_KIND_NAMES.indexOf(h.event);

/** A plain valid event of a kind near market price `m`: the engine contract's field layout (event-tape.ts). */
export function eventNear(kind: number, m: number, t: number, qty = 1): EventFields {
  switch (kind) {
    case EventKind.book:
      return { kind, t, a: Math.max(1, m - 1), b: qty * 10, c: m + 1, d: qty * 10 };
    case EventKind.trade:
    case EventKind.fill:
    case EventKind.order:
      return { kind, t, a: m, b: qty, c: 1, d: 0 };
    case EventKind.kill:
      return { kind, t, a: 0, b: 0, c: 0, d: 0 };
    default:
      return { kind, t, a: 0, b: 0, c: 0, d: 0 };
  }
}

function fieldRange(h: Handler, f: InputField, probe: Probe): [bigint, bigint] | undefined {
  if (f === "t") return [BigInt(probe.time), BigInt(probe.time) + TIME_REACH];
  const spec = h.inputs.find((i) => i.field === f);
  return spec ? [spec.range.lo, spec.range.hi] : undefined;
}

/** Where a search on field f starts: its current value, or the range's low end if that is no integer. */
const startOf = (e: EventFields, f: InputField, range: [bigint, bigint]) => (Number.isSafeInteger(e[f]) ? BigInt(e[f]) : range[0]);

/** `tail` with field f of event `at` set to x (a later time is moved along, so time never goes back). */
export function withField(tail: readonly EventFields[], at: number, f: InputField, x: number): EventFields[] {
  return tail.map((e, i) => (i === at ? { ...e, [f]: x } : f === "t" && i > at ? { ...e, t: Math.max(e.t, x) } : e));
}

/** The score of the last event's values as a function of one field of event `at`; undefined where refused. */
function scoreOf(probe: Probe, tail: readonly EventFields[], at: number, f: InputField, handler: number, obj: Objective): Score {
  return (x) => {
    const ev = probe.evaluate(withField(tail, at, f, Number(x)));
    return ev && ev.accepted && ev.handler === handler ? obj(ev.values) : undefined;
  };
}

/** Handlers whose writes reach a state the instruction `id` of handler h reads: events that can move it. */
export function movers(program: IrProgram, handler: number, id: number): number[] {
  const h = program.handlers[handler];
  const inCone = cone(h, id);
  const slots = new Set<number>();
  for (const ins of h.body) if (inCone[ins.id] && ins.op === "state") slots.add(ins.slot);
  const out: number[] = [];
  program.handlers.forEach((g, k) => {
    if (g.inputs.length > 1 && g.writes.some((w) => slots.has(w.slot) && g.body[w.value].op !== "state")) out.push(k);
  });
  return out;
}

export interface Aimed {
  /** Tails (one or two events) at a boundary of the target's score: both sides and one past. */
  readonly tails: EventFields[][];
  /** Whether one of them meets the target. */
  readonly hit: boolean;
  /** The field that met it. */
  readonly field?: InputField;
}

/**
 * Aims at a target from the probe's state: varies each field of the last event, then each field of a
 * preceding event of a kind that moves a state the target reads. Stops at the first field that meets it.
 */
export function aim(program: IrProgram, probe: Probe, target: CoverageTarget, last: EventFields, m: number, first?: InputField, withMovers = true): Aimed {
  const obj = objective(program, target);
  if (!obj) return { tails: [], hit: false };
  const h = program.handlers[target.handler];
  const lastT = Math.max(last.t, probe.time);
  const tails: EventFields[][] = [];
  let field: InputField | undefined;
  const order = first ? [first, ...FIELDS.filter((f) => f !== first)] : FIELDS;
  const tryTail = (tail: EventFields[], at: number): boolean => {
    const hh = program.handlers.find((x) => kindOf(x) === tail[at].kind)!;
    for (const f of order) {
      const range = fieldRange(hh, f, probe);
      if (!range) continue;
      const g = scoreOf(probe, tail, at, f, target.handler, obj);
      for (const b of boundaries(g, range[0], range[1], startOf(tail[at], f, range), 1)) {
        const found = [b.below, b.at, b.at + 1n].filter((x) => x <= range[1]).map((x) => withField(tail, at, f, Number(x)));
        const hit = found.some((t) => {
          const ev = probe.evaluate(t);
          return ev !== undefined && ev.accepted && met(program, target, ev.values);
        });
        tails.push(...found);
        if (hit) {
          field = f;
          return true;
        }
      }
    }
    return false;
  };
  const e = { ...last, t: lastT };
  if (tryTail([e], 0)) return { tails, hit: true, field };
  if (!withMovers) return { tails, hit: false };
  const id = target.kind === "lut" ? h.body.find((i) => i.op === "lut" && i.table === target.table)!.id : target.id;
  for (const k of movers(program, target.handler, id)) {
    const mover = program.handlers[k];
    const near = eventNear(kindOf(mover), m, lastT);
    // the preceding event as it is, then with one field at an end of its range: one field is searched
    // while another sits at a corner (a book of bid = ask = 1 before the book that divides by its mid)
    const corners = mover.inputs.filter((i) => i.field !== "t").flatMap((i) => [{ ...near, [i.field]: Number(i.range.lo) }, { ...near, [i.field]: Number(i.range.hi) }]);
    for (const before of [near, ...corners]) if (tryTail([before, e], 0)) return { tails, hit: true, field };
  }
  return { tails, hit: false };
}

/** The event (last or preceding) that brings the target's score nearest zero: a step toward it. */
export function stepToward(program: IrProgram, probe: Probe, target: CoverageTarget, last: EventFields): EventFields | undefined {
  const obj = objective(program, target);
  if (!obj) return undefined;
  const h = program.handlers[target.handler];
  const e = { ...last, t: Math.max(last.t, probe.time) };
  let best: { e: EventFields; score: bigint } | undefined;
  const abs = (v: bigint) => (v < 0n ? -v : v);
  for (const f of FIELDS) {
    const range = fieldRange(h, f, probe);
    if (!range || f === "t") continue;
    const n = nearest(scoreOf(probe, [e], 0, f, target.handler, obj), range[0], range[1], startOf(e, f, range));
    if (n && (!best || abs(n.score) < abs(best.score))) best = { e: withField([e], 0, f, Number(n.x))[0], score: n.score };
  }
  return best?.e;
}

/**
 * Makes an event of a handler with a reason output (the order check) pass every check, in priority
 * order: each failing check's comparison is solved for on one field. Returns the event as it ends up.
 */
export function conform(program: IrProgram, probe: Probe, handler: number, event: EventFields): EventFields {
  const h = program.handlers[handler];
  const out = h.outputs.find((o) => program.outputs[o.slot].name === "reason");
  if (!out) return event;
  const conds = reasonConditions(h, out.value);
  let e = { ...event, t: Math.max(event.t, probe.time) };
  for (let round = 0; round < 4; round++) {
    const ev = probe.evaluate([e]);
    if (!ev || !ev.accepted) return e;
    const failing = conds.find((c) => ev.values[c] !== 0);
    if (failing === undefined) return e;
    const c = liveCmp(h, failing, ev.values);
    const score = c === undefined ? undefined : cmpScore(h, c);
    if (!score) return e;
    let fixed: EventFields | undefined;
    for (const f of FIELDS) {
      const range = fieldRange(h, f, probe);
      if (!range) continue;
      for (const b of boundaries(scoreOf(probe, [e], 0, f, handler, score), range[0], range[1], startOf(e, f, range), 2))
        for (const x of [b.below, b.at, b.at + 1n]) {
          const cand = withField([e], 0, f, Number(x))[0];
          const v = probe.evaluate([cand]);
          if (v?.accepted && v.values[failing] === 0) fixed ??= cand;
        }
      if (fixed) break;
    }
    if (!fixed) return e;
    e = fixed;
  }
  return e;
}

/** The comparison currently making a boolean true: the true operand of an or, the cmp itself. */
function liveCmp(h: Handler, id: number, v: Float64Array): number | undefined {
  const ins = h.body[id];
  if (ins.op === "or" || ins.op === "and") return v[ins.a] !== 0 ? liveCmp(h, ins.a, v) : liveCmp(h, ins.b, v);
  return decidingCmp(h, id);
}
