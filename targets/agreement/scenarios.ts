import type { InputField, IrProgram } from "../../compiler/ir.js";
import { EventKind, type EventFields } from "../../runtime/event-tape.js";
import { met, objective } from "./aim.js";
import { aim, conform, eventNear, kindOf, stepToward } from "./aimed-events.js";
import { cmpOutcomes, tookFirst, type CoverageTarget } from "./coverage.js";
import { boundaries } from "./field-solver.js";
import { Probe } from "./probe.js";
import type { Prng } from "./prng.js";
import { loadable } from "./run-agreement.js";
import type { StreamStep } from "./streams.js";

/** One generated test case: base parameters and a stream, with where it came from (for reports). */
export interface Case {
  readonly base: readonly bigint[];
  readonly stream: readonly StreamStep[];
  readonly label: string;
}

/**
 * Scenario generators derived from the program's IR: they read the reject-reason chain, the rate
 * limiter's register, the comparisons and tables of each handler, and aim events at them with the
 * solver. Nothing here depends on an example's names.
 */
export class Scenarios {
  /** The handler with a `reason` output (the order check), if any. */
  readonly order: number;
  private readonly reasonId: number | undefined;
  /** The rate limiter's interval I (ns) under the current parameters, read from the rate_tat update. */
  constructor(
    private readonly program: IrProgram,
    private readonly rng: Prng,
  ) {
    this.order = program.handlers.findIndex((h) => h.outputs.some((o) => program.outputs[o.slot].name === "reason"));
    this.reasonId = this.order >= 0 ? program.handlers[this.order].outputs.find((o) => program.outputs[o.slot].name === "reason")!.value : undefined;
  }

  /** A market price the notional and band checks leave room around. */
  marketPrice(): number {
    const book = this.program.handlers.find((h) => h.event === "book") ?? this.program.handlers[0];
    const range = book.inputs.find((i) => i.field === "a")?.range ?? { lo: 1n, hi: 1_000_000n };
    const lo = Math.max(Number(range.lo), 10);
    const hi = Math.min(Number(range.hi) - 10, 1_000_000);
    return Math.round(Math.exp(Math.log(lo) + this.rng.float() * (Math.log(Math.max(hi, lo + 1)) - Math.log(lo))));
  }

  /** A price in the upper half of the book's range. */
  highPrice(): number {
    const book = this.program.handlers.find((h) => h.event === "book") ?? this.program.handlers[0];
    const hi = Number(book.inputs.find((i) => i.field === "a")?.range.hi ?? 1_000_000n);
    return Math.floor(hi / 2) + this.rng.int(0, Math.floor(hi / 4));
  }

  /** A book at m and a trade at m: both references (mid, last trade) are set. */
  warmup(m: number, t = 1_000): StreamStep[] {
    const has = (k: number) => this.program.handlers.some((h) => kindOf(h) === k);
    return [EventKind.book, EventKind.trade].filter(has).map((k, i) => eventNear(k, m, t + i));
  }

  /** An order that passes every check after `prefix`, found by the solver. */
  conformingOrder(probe: Probe, m: number): EventFields | undefined {
    if (this.order < 0) return undefined;
    const e = conform(this.program, probe, this.order, eventNear(EventKind.order, m, probe.time));
    const ev = probe.evaluate([e]);
    return ev?.accepted && this.reasonId !== undefined && ev.values[this.reasonId] === 0 ? e : undefined;
  }

  /**
   * Conforming orders repeated (sides alternating, so position stays put) every `dt` ns until the
   * reference first rejects one, then `extra` more: a burst of N + 1 finds the rate limiter's N.
   * Returns the stream and the index of the first rejected order.
   */
  burst(base: readonly bigint[], dt: number, extra = 2, cap = 3_000): { stream: StreamStep[]; firstReject: number; probeBefore: StreamStep[] } | undefined {
    const params = loadable(this.program, base);
    if (!params || this.order < 0) return undefined;
    const m = this.marketPrice();
    const stream: StreamStep[] = this.warmup(m);
    const probe = new Probe(this.program, params, stream);
    const o = this.conformingOrder(probe, m);
    if (!o) return undefined;
    let t = Math.max(o.t, probe.time);
    let firstReject = -1;
    let left = extra;
    for (let k = 0; stream.length < cap; k++) {
      const e = { ...o, t, c: k % 2 === 0 ? o.c : -o.c };
      const ev = probe.evaluate([e]);
      if (firstReject < 0 && ev?.accepted && ev.values[this.reasonId!] !== 0) firstReject = stream.length;
      stream.push(e);
      probe.push(e);
      if (firstReject >= 0 && left-- === 0) break;
      t += dt;
    }
    return { stream, firstReject, probeBefore: firstReject >= 0 ? stream.slice(0, firstReject) : stream };
  }

  /** The rate limiter's interval from the IR: the constant or parameter added to max(now, tat). */
  rateInterval(base: readonly bigint[]): number | undefined {
    const params = loadable(this.program, base);
    const slot = this.program.state.findIndex((s) => s.name === "rate_tat");
    if (!params || slot < 0 || this.order < 0) return undefined;
    const h = this.program.handlers[this.order];
    const w = h.writes.find((x) => x.slot === slot);
    let ins = w && h.body[w.value];
    if (ins?.op === "select") ins = h.body[ins.a];
    if (ins?.op === "clamp") ins = h.body[ins.a];
    if (ins?.op !== "add") return undefined;
    const i = h.body[ins.b];
    if (i.op === "const") return Number(i.value);
    if (i.op === "param") return Number(params[i.slot]);
    return undefined;
  }

  /** Bursts at dt = 0 and, when the interval is known, at I - 1, I and I + 1; plus orders at the boundary of the rejecting check in time. */
  rateCases(base: readonly bigint[]): Case[] {
    const out: Case[] = [];
    const interval = this.rateInterval(base);
    const dts = interval ? [0, interval - 1, interval, interval + 1, Math.floor(interval / 2)] : [0, 1, 1_000];
    for (const dt of dts) {
      const b = this.burst(base, dt, 2, dt === 0 ? 3_000 : 600);
      if (!b) continue;
      out.push({ base, stream: b.stream, label: `burst dt=${dt}` });
      if (b.firstReject < 0) continue;
      // the first rejected order, moved in time to the edge where it starts to conform
      const params = loadable(this.program, base)!;
      const probe = new Probe(this.program, params, b.probeBefore);
      const rejected = b.stream[b.firstReject] as EventFields;
      const reason = BigInt(probe.evaluate([rejected])!.values[this.reasonId!]);
      const target: CoverageTarget = { kind: "reason", handler: this.order, id: this.reasonId!, value: reason };
      for (const tail of aim(this.program, probe, { ...target }, rejected, 0).tails.filter((t) => t.length === 1))
        out.push({ base, stream: [...b.probeBefore, ...tail], label: `rate edge dt=${dt}` });
    }
    return out;
  }

  /**
   * Every reject reason: from a conforming order, and from conforming orders pushed to the edge of
   * what passes on one field (the largest quantity that passes, the highest price...), the solver
   * aims another field at the reason's check. A check that needs two fields at once (a notional cap
   * reachable only near the quantity limit) is reached that way.
   */
  reasonCases(base: readonly bigint[]): Case[] {
    const params = loadable(this.program, base);
    if (!params || this.order < 0 || this.reasonId === undefined) return [];
    const h = this.program.handlers[this.order];
    const m = this.marketPrice();
    const prefix = this.warmup(m);
    const probe = new Probe(this.program, params, prefix);
    const o = this.conformingOrder(probe, m);
    if (!o) return [];
    const reasons = possibleReasons(h, this.reasonId);
    const templates = [o, ...edges(this.program, probe, this.order, o, this.reasonId)];
    const out: Case[] = [];
    for (const value of reasons) {
      if (value === 0n) continue;
      for (const template of templates) {
        const aimed = aim(this.program, probe, { kind: "reason", handler: this.order, id: this.reasonId, value }, template, m);
        if (!aimed.hit) continue;
        for (const tail of aimed.tails.slice(-3)) out.push({ base, stream: [...prefix, ...tail], label: `reason ${value}` });
        break;
      }
    }
    return out;
  }

  /**
   * A move, then the same book held for `length` events: an average fed by the move decays toward
   * what the quiet market says, and a clamp or floor on its way down is reached only after many quiet
   * events (at a short half-life, sooner). Moves up and down, small and large.
   */
  holdCases(base: readonly bigint[], length = 200): Case[] {
    const book = this.program.handlers.find((h) => h.event === "book");
    if (!book || !loadable(this.program, base)) return [];
    const out: Case[] = [];
    for (const move of [1.003, 0.99]) {
      const m = this.marketPrice();
      const stream: StreamStep[] = this.warmup(m);
      let t = (stream[stream.length - 1]?.t ?? 1_000) + 1;
      const held = eventNear(EventKind.book, Math.max(2, Math.round(m * move)), t);
      for (let k = 0; k < length; k++, t += k % 2) stream.push({ ...held, t });
      out.push({ base, stream, label: `hold after a move of ${move}` });
    }
    return out;
  }

  /**
   * Ramps for the table entries the walks leave: the book swings between two prices every event, so
   * each book is the same move and an average fed by the moves climbs toward the move's value, slowly
   * enough at a long half-life that its table index passes every entry on the way (one solver-aimed
   * event cannot land on an entry there: the average moves by a fraction of the event's value).
   * Largest swing first (it drives the average to the top of its range), then, unless `largestOnly`,
   * smaller ones while entries are left; a ramp ends once it has read nothing new for `patience`
   * events, and is cut after its last new read.
   */
  rampWalks(base: readonly bigint[], targets: readonly CoverageTarget[], cap = 30_000, patience = 1_000, largestOnly = false): { cases: Case[]; read: Set<string> } {
    const params = loadable(this.program, base);
    const read = new Set<string>();
    const book = this.program.handlers.findIndex((h) => h.event === "book");
    if (!params || book < 0) return { cases: [], read };
    const open = new Set(targets.flatMap((t) => (t.kind === "lut" && t.handler === book ? [`${t.handler}:${t.table}:${t.entry}`] : [])));
    const out: Case[] = [];
    const m = this.highPrice();
    const swings = [Math.floor(m / 8), 16, 4, 1];
    for (const swing of largestOnly ? swings.slice(0, 1) : swings) {
      if (!open.size) break;
      const stream = this.warmup(m);
      const probe = new Probe(this.program, params, stream);
      let t = probe.time;
      let lastNew = stream.length;
      while (stream.length < cap && stream.length - lastNew < patience && open.size) {
        const e = eventNear(EventKind.book, stream.length % 2 === 0 ? m + swing : m, ++t);
        const ev = probe.evaluate([e]);
        if (!ev?.accepted) break;
        for (const ins of this.program.handlers[book].body)
          if (ins.op === "lut") {
            const key = `${book}:${ins.table}:${ev.values[ins.index]}`;
            if (open.delete(key)) {
              read.add(key);
              lastNew = stream.length + 1;
            }
          }
        stream.push(e);
        probe.push(e);
      }
      if (lastNew > this.warmup(m).length) out.push({ base, stream: stream.slice(0, lastNew), label: `ramp of ${lastNew} books (swing ${swing})` });
    }
    return { cases: out, read };
  }

  /** Kill switch engaged, an order, released, an order. */
  killCase(base: readonly bigint[]): Case | undefined {
    const params = loadable(this.program, base);
    if (!params || !this.program.handlers.some((h) => h.event === "kill") || this.order < 0) return undefined;
    const m = this.marketPrice();
    const stream = this.warmup(m);
    const o = this.conformingOrder(new Probe(this.program, params, stream), m) ?? eventNear(EventKind.order, m, 2_000);
    const t = o.t + 1;
    stream.push({ ...eventNear(EventKind.kill, m, t), a: 1 }, { ...o, t }, { ...eventNear(EventKind.kill, m, t + 1), a: 0 }, { ...o, t: t + 2 });
    return { base, stream, label: "kill switch" };
  }

  /**
   * Both sides of every comparison, select and clamp of every handler outside its guard, aimed at
   * from a warmed-up market with a conforming template: each boundary the solver finds becomes a
   * stream with the event just below it, at it and one past it.
   */
  boundaryCases(base: readonly bigint[]): Case[] {
    const params = loadable(this.program, base);
    if (!params) return [];
    const out: Case[] = [];
    const m = this.marketPrice();
    const prefix = this.warmup(m);
    const probe = new Probe(this.program, params, prefix);
    this.program.handlers.forEach((h, handler) => {
      const kind = kindOf(h);
      const template = (handler === this.order && this.conformingOrder(probe, m)) || eventNear(kind, m, probe.time);
      const ev = probe.evaluate([template]);
      if (!ev) return;
      for (const ins of h.body) {
        const minMax = (ins.op === "min" || ins.op === "max") && h.body[ins.a].op !== "const" ? ins : undefined;
        if ((ins.op !== "cmp" && !minMax) || inGuard(h, ins.id)) continue;
        if (ins.op === "cmp" && cmpOutcomes(ins.pred, h.body[ins.a].range, h.body[ins.b].range) !== 3) continue;
        const target: CoverageTarget = minMax
          ? { kind: "select", handler, id: ins.id, outcome: tookFirst(ins, ev.values) ? 0 : 1 }
          : { kind: "cmp", handler, id: ins.id, outcome: ev.values[ins.id] === 0 ? 1 : 0 };
        const aimed = aim(this.program, probe, target, template, m);
        for (const tail of aimed.tails) out.push({ base, stream: [...prefix, ...tail], label: `boundary of ${h.event} #${ins.id}` });
      }
    });
    return out;
  }

  /**
   * Book moves (or whatever events feed a table's index) that walk every reachable entry of every
   * table, in order, each event aimed by the solver. After a hit the event the walk started from is
   * sent again, so the next entry is a small step from the last hit (an index that depends on the
   * previous event, as a log return does, is then one short search away); an entry the next event
   * cannot reach is approached step by step. Streams of up to `cap` events, within `budget`
   * evaluations of the reference; the caller tries the entries left on other parameter sets.
   */
  tableWalks(base: readonly bigint[], targets: readonly CoverageTarget[], budget: number, cap = 400): { cases: Case[]; read: Set<string> } {
    const params = loadable(this.program, base);
    const read = new Set<string>();
    if (!params) return { cases: [], read };
    const out: Case[] = [];
    const luts = targets.filter((t): t is Extract<CoverageTarget, { kind: "lut" }> => t.kind === "lut");
    let spent = 0;
    let i = 0;
    // every other walk sends no return event: an index fed by a slow average climbs only that way
    for (let walk = 0; i < luts.length && spent < budget; walk++) {
      const returns = walk % 2 === 0;
      // a high price: a one-tick move is then a small relative step, finer than a table segment
      const m = this.highPrice();
      const stream = this.warmup(m);
      const probe = new Probe(this.program, params, stream);
      const push = (e: EventFields) => {
        const ev = probe.evaluate([e]);
        if (ev?.accepted)
          for (const ins of this.program.handlers[ev.handler].body)
            if (ins.op === "lut") read.add(`${ev.handler}:${ins.table}:${ev.values[ins.index]}`);
        stream.push(e);
        probe.push(e);
      };
      let misses = 0;
      let field: InputField | undefined;
      let lastHit: EventFields | undefined;
      let distance: bigint | undefined;
      while (i < luts.length && stream.length < cap && spent + probe.evaluations < budget) {
        const t = luts[i];
        if (read.has(`${t.handler}:${t.table}:${t.entry}`)) {
          i++;
          continue;
        }
        const h = this.program.handlers[t.handler];
        const origin = stream.find((s) => s.kind === kindOf(h));
        const last = lastHit ?? [...stream].reverse().find((s) => s.kind === kindOf(h)) ?? eventNear(kindOf(h), m, probe.time);
        const template = { ...last, t: probe.time + 1 };
        const aimed = aim(this.program, probe, t, template, m, field, false);
        field = aimed.field ?? field;
        const last3 = aimed.hit ? aimed.tails.slice(-3) : [];
        const meets = (tail: EventFields[]) => {
          const ev = probe.evaluate(tail);
          return ev !== undefined && ev.accepted && met(this.program, t, ev.values);
        };
        const found = last3.length === 3 && meets(last3[1]) ? last3[1] : last3.find(meets);
        const hitTail = found && aimed.field ? observed(probe, found, aimed.field, t, meets) : found;
        if (hitTail) {
          hitTail.forEach(push);
          lastHit = hitTail[hitTail.length - 1];
          if (origin && returns) push({ ...origin, t: probe.time + 1 });
          i++;
          misses = 0;
          distance = undefined;
          continue;
        }
        lastHit = undefined;
        const step = misses < 8 ? stepToward(this.program, probe, t, template) : undefined;
        if (!step) {
          i++;
          misses = 0;
          distance = undefined;
        } else {
          // a step that brings the index nearer is progress, not a miss
          const d = distanceTo(this.program, probe, t, step);
          misses = distance !== undefined && d !== undefined && d < distance ? 0 : misses + 1;
          distance = d;
          push(step);
        }
      }
      spent += probe.evaluations;
      out.push({ base, stream, label: "table walk" });
    }
    return { cases: out, read };
  }
}

/**
 * The hit moved a few steps along its field, still reading the entry, until the read shows the entry
 * (see Probe.observes); the hit itself when none within reach does.
 */
function observed(probe: Probe, tail: EventFields[], f: InputField, t: Extract<CoverageTarget, { kind: "lut" }>, meets: (tail: EventFields[]) => boolean): EventFields[] {
  if (probe.observes(tail, t.table, t.entry)) return tail;
  const at = tail.length - 1;
  const x0 = tail[at][f];
  for (let d = 1; d <= 3; d++)
    for (const x of [x0 + d, x0 - d]) {
      const cand = tail.map((e, i) => (i === at ? { ...e, [f]: x } : e));
      if (meets(cand) && probe.observes(cand, t.table, t.entry)) return cand;
    }
  return tail;
}

/** How far the event leaves the target's table index from the entry wanted. */
function distanceTo(program: IrProgram, probe: Probe, t: CoverageTarget, e: EventFields): bigint | undefined {
  const obj = objective(program, t);
  const ev = probe.evaluate([e]);
  if (!obj || !ev?.accepted) return undefined;
  const v = obj(ev.values);
  return v < 0n ? -v : v;
}

function possibleReasons(h: IrProgram["handlers"][number], id: number): bigint[] {
  const out: bigint[] = [];
  for (let ins = h.body[id]; ins.op === "select"; ins = h.body[ins.b]) {
    const a = h.body[ins.a];
    if (a.op === "const") out.push(a.value);
  }
  return out;
}

/** The event with one field moved as far up, or down, as it goes while the reason stays 0. */
function edges(program: IrProgram, probe: Probe, handler: number, e: EventFields, reasonId: number): EventFields[] {
  const h = program.handlers[handler];
  const out: EventFields[] = [];
  for (const spec of h.inputs) {
    if (spec.field === "t") continue;
    const g = (x: bigint) => {
      const ev = probe.evaluate([{ ...e, [spec.field]: Number(x) }]);
      return ev?.accepted ? (ev.values[reasonId] === 0 ? -1n : 1n) : 1n;
    };
    for (const b of boundaries(g, spec.range.lo, spec.range.hi, BigInt(e[spec.field]), 2))
      for (const x of [b.below, b.at]) if (g(x) < 0n) out.push({ ...e, [spec.field]: Number(x) });
  }
  return out;
}

/** Instructions the guard depends on (range checks, time order): their boundaries are the ranges' ends. */
function inGuard(h: IrProgram["handlers"][number], id: number): boolean {
  const stack = [h.guard];
  const seen = new Set<number>();
  while (stack.length) {
    const i = stack.pop()!;
    if (i === id) return true;
    if (seen.has(i)) continue;
    seen.add(i);
    const ins = h.body[i];
    if ("a" in ins && typeof ins.a === "number") stack.push(ins.a);
    if ("b" in ins && typeof ins.b === "number") stack.push(ins.b);
    if (ins.op === "select") stack.push(ins.cond);
  }
  return false;
}
