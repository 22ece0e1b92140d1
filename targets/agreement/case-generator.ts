import fc from "fast-check";
import type { IrProgram } from "../../compiler/ir.js";
import { EventKind, type EventFields } from "../../runtime/event-tape.js";
import { objective } from "./aim.js";
import { aim, conform, eventNear, kindOf, stepToward } from "./aimed-events.js";
import { Coverage, type CoverageTarget } from "./coverage.js";
import { parameterSets } from "./parameter-boundaries.js";
import { Probe } from "./probe.js";
import { tieCases } from "./rounding-ties.js";
import { Prng } from "./prng.js";
import { loadable } from "./run-agreement.js";
import { Scenarios, type Case } from "./scenarios.js";
import { baseParams, eventStream, type StreamStep } from "./streams.js";
import { transitionCases } from "./transitions.js";

/** Guided attempts at one target before it is left to the random streams. */
const ATTEMPTS = 6;
/** Reference evaluations the table walks may spend, over all parameter sets they try. */
const WALK_BUDGET = 400_000;
/** Evaluations a parameter set gets to show that it moves a table's index. */
const WALK_TRIAL = 3_000;

/**
 * The first round of scenarios depends only on the program and the seed (the reference decides
 * everything in it), so several runs in one process (a mutation suite) build it once.
 */
const firstRounds = new Map<string, Case[]>();

/**
 * Where every stream of `lockstep test` comes from, deterministically from the seed:
 *   1. scenarios derived from the IR, with the default parameters: the kill switch, bursts that find
 *      the rate limiter's N, orders at the rate limiter's edge in time, both sides of every comparison
 *      (solved for, one field at a time), walks over every reachable table entry, parameter sets on
 *      the transitions where a derived parameter one LSB off shows (transitions.ts), events where a
 *      product rounded twice sits on the second rounding's edge (rounding-ties.ts), and a move held
 *      for many quiet books at every range end;
 *   2. then a mix: random streams from the declarations (streams.ts), a third of them on parameter sets
 *      at range ends and derived rounding boundaries; the same scenarios on those parameter sets (once
 *      per set);
 *      a coverage-guided loop that takes a stream that reached something new and aims its next event
 *      at an item still uncovered; and now and then a long session (10^3 to 10^4 events).
 */
export class CaseGenerator {
  private readonly rng: Prng;
  private readonly scenarios: Scenarios;
  private readonly paramSets: bigint[][];
  private readonly queue: Case[] = [];
  private readonly roundQueue: Case[] = [];
  private readonly pending: Case[] = [];
  private readonly corpus: Case[] = [];
  private readonly attempts = new Map<string, number>();
  private random: [bigint[], StreamStep[]][] = [];
  /** Built once: the aimed products factor the program's thresholds. */
  private readonly randomArbitrary: fc.Arbitrary<[bigint[], StreamStep[]]>;
  private paramRound = 0;
  private nextSet = 0;
  private guided = 0;
  private started = false;

  constructor(
    private readonly program: IrProgram,
    private readonly seed: number,
    private readonly coverage: Coverage,
  ) {
    this.rng = new Prng(seed);
    this.scenarios = new Scenarios(program, this.rng);
    this.paramSets = parameterSets(program, this.rng);
    this.randomArbitrary = fc.tuple(baseParams(program), eventStream(program));
  }

  /** The i-th case of the run. */
  next(i: number): Case {
    if (!this.started) {
      this.started = true;
      const key = `${this.seed}\n${this.program.sourcePath}\n${this.program.sourceLines.join("\n")}`;
      if (!firstRounds.has(key)) firstRounds.set(key, this.round(this.paramSets[0], true));
      for (const c of firstRounds.get(key)!) {
        this.queue.push(c);
        this.corpus.push(c);
      }
    }
    if (this.queue.length) return this.queue.shift()!;
    switch (i % 10) {
      case 5:
      case 6:
        return this.guidedCase() ?? this.randomCase();
      case 7: {
        // once per parameter set: a round costs as much as thousands of random streams, and another round
        // on the same set finds what the first found
        if (!this.roundQueue.length && this.paramRound + 1 < this.paramSets.length) {
          this.paramRound++;
          this.roundQueue.push(...this.round(this.paramSets[this.paramRound], false));
        }
        return this.roundQueue.shift() ?? this.randomCase();
      }
      case 9:
        return Math.floor(i / 10) % 5 === 0 ? this.session() : this.randomCase();
      default:
        return this.randomCase();
    }
  }

  /** A case that reached something new becomes a starting point for the guided loop. */
  feedback(c: Case, grew: boolean): void {
    if (!grew) return;
    this.corpus.push(c);
    if (this.corpus.length > 256) this.corpus.splice(0, this.corpus.length - 256);
  }

  /** The scenarios on one parameter set (all of them for the first; the cheaper ones for the rest). */
  private round(base: bigint[], full: boolean): Case[] {
    const s = this.scenarios;
    const out: Case[] = [];
    const kill = s.killCase(base);
    if (kill) out.push(kill);
    out.push(...s.rateCases(base));
    out.push(...s.reasonCases(base));
    out.push(...s.boundaryCases(base));
    out.push(...s.holdCases(base));
    if (full) out.push(...this.walks(), ...transitionCases(this.program, this.rng, s), ...tieCases(this.program, s), ...holdSets(this.program).flatMap((b) => s.holdCases(b)));
    if (!full) for (const c of out) this.corpus.push(c);
    return out;
  }

  /**
   * Walks over every reachable table entry: on the defaults, a trial walk, then ramps for what it
   * leaves (an index fed by an average moves only a fraction of an event's value per event, so the
   * solver cannot land it on an entry; a ramp passes them all), then a long walk if the trial found
   * entries. Then short ramps of the largest swing on the other parameter sets (at the low end of a
   * half-life's range an average reaches the top of its range in a few books), and last, for what is
   * left, each other set on a small trial budget, going on with those that reach new entries.
   */
  private walks(): Case[] {
    let open = new Coverage(this.program).uncovered().filter((t) => t.kind === "lut");
    const out: Case[] = [];
    const take = (r: { cases: Case[]; read: Set<string> }) => {
      out.push(...r.cases);
      open = open.filter((t) => t.kind === "lut" && !r.read.has(`${t.handler}:${t.table}:${t.entry}`));
    };
    let budget = WALK_BUDGET;
    const walk = (base: readonly bigint[], ramp: boolean) => {
      const trial = this.scenarios.tableWalks(base, open, Math.min(budget, WALK_TRIAL));
      const fresh = open.filter((t) => t.kind === "lut" && trial.read.has(`${t.handler}:${t.table}:${t.entry}`)).length;
      budget -= WALK_TRIAL;
      if (fresh > 0) take(trial);
      if (ramp && open.length) take(this.scenarios.rampWalks(base, open));
      if (fresh >= 8 && open.length) {
        take(this.scenarios.tableWalks(base, open, budget / 2));
        budget -= budget / 2;
      }
    };
    const [defaults, ...others] = this.paramSets;
    if (open.length) walk(defaults, true);
    for (const base of others) if (open.length) take(this.scenarios.rampWalks(base, open, 2_000, 200, true));
    for (const base of others) if (open.length && budget > 0) walk(base, false);
    return out;
  }

  private randomCase(): Case {
    if (!this.random.length) this.random = fc.sample(this.randomArbitrary, { numRuns: 200, seed: this.rng.seed() });
    const [base, stream] = this.random.pop()!;
    if (this.rng.chance(1 / 3) && this.paramSets.length) return { base: this.paramSets[this.nextSet++ % this.paramSets.length], stream, label: "random (boundary parameters)" };
    return { base, stream, label: "random" };
  }

  /**
   * The coverage-guided step: an uncovered target, a stream from the corpus, and the solver on the
   * next event's fields (or a preceding event's). A hit is tried with its neighbours on each side; a
   * miss appends the event that comes nearest, and that stream joins the corpus to go on from.
   */
  private guidedCase(): Case | undefined {
    if (this.pending.length) return this.pending.shift();
    const open = this.coverage.uncovered().filter((t) => objective(this.program, t) && (this.attempts.get(key(t)) ?? 0) < ATTEMPTS);
    if (!open.length || !this.corpus.length) return undefined;
    const target = open[this.guided++ % open.length];
    this.attempts.set(key(target), (this.attempts.get(key(target)) ?? 0) + 1);
    const from = this.rng.pick(this.corpus);
    const params = loadable(this.program, from.base);
    if (!params) return undefined;
    const probe = new Probe(this.program, params, from.stream);
    const h = this.program.handlers[target.handler];
    const kind = kindOf(h);
    const m = marketOf(from.stream) ?? this.scenarios.marketPrice();
    const seen = [...from.stream].reverse().find((s) => s.kind === kind) as EventFields | undefined;
    let template: EventFields = { ...(seen ?? eventNear(kind, m, probe.time)), t: probe.time };
    if (target.handler === this.scenarios.order && target.kind !== "reason") template = conform(this.program, probe, target.handler, template);
    const aimed = aim(this.program, probe, target, template, m);
    const cases = aimed.tails.map((tail) => ({ base: from.base, stream: [...from.stream, ...tail], label: "guided" }));
    if (cases.length) {
      this.pending.push(...cases.slice(1));
      return cases[0];
    }
    const step = stepToward(this.program, probe, target, template);
    if (!step) return undefined;
    const c = { base: from.base, stream: [...from.stream, step], label: "guided (toward)" };
    this.corpus.push(c);
    return c;
  }

  /** A long stream of a market that moves a little at a time, with orders at the market, fills, bursts. */
  private session(): Case {
    const rng = this.rng;
    const base = rng.chance(0.5) ? this.paramSets[0] : rng.pick(this.paramSets);
    const length = rng.chance(0.2) ? rng.int(4_000, 10_000) : rng.int(1_000, 4_000);
    let m = this.scenarios.marketPrice();
    let t = 1_000;
    const stream: StreamStep[] = this.scenarios.warmup(m, t);
    const interval = this.scenarios.rateInterval(base) ?? 1_000;
    while (stream.length < length) {
      t += rng.pick([0, 0, 1, rng.int(1, interval), rng.int(1, 4 * interval), rng.int(1, 1_000_000_000)]);
      m = Math.max(2, m + rng.pick([0, 0, 0, 1, -1, 2, -2, 10, -10]));
      const r = rng.float();
      const qty = rng.pick([1, 1, 2, 5, rng.int(1, 1_000)]);
      const side = rng.chance(0.5) ? 1 : -1;
      if (r < 0.45) stream.push({ ...eventNear(EventKind.book, m, t, qty), c: m + rng.int(1, 3) });
      else if (r < 0.6) stream.push({ ...eventNear(EventKind.trade, m, t, qty), c: side });
      else if (r < 0.9) stream.push({ ...eventNear(EventKind.order, m + rng.pick([0, 0, 0, 1, -1]), t, qty), c: side });
      else if (r < 0.98) stream.push({ ...eventNear(EventKind.fill, m, t, qty), c: side });
      else stream.push(eventNear(EventKind.timer, m, t));
    }
    return { base, stream, label: `session of ${length} events` };
  }
}

/**
 * Parameter sets for the hold scenarios: each base parameter at its range ends and just inside the low
 * end (a half-life of 1 halves exactly; 2 is where a floored average first decays past its floor).
 */
function holdSets(program: IrProgram): bigint[][] {
  const defaults = program.params.map((p) => p.default);
  return program.params.flatMap((p, i) => [p.range.lo, p.range.lo + 1n, p.range.hi].map((v) => defaults.map((x, k) => (k === i ? v : x))));
}

const key = (t: CoverageTarget) => JSON.stringify(t, (_k, v) => (typeof v === "bigint" ? String(v) : v));

/** The last traded (or booked) price of a stream, to aim new events near it. */
function marketOf(stream: readonly StreamStep[]): number | undefined {
  for (let i = stream.length - 1; i >= 0; i--) {
    const s = stream[i];
    if ((s.kind === EventKind.trade || s.kind === EventKind.book) && Number.isSafeInteger(s.a) && s.a > 0) return s.a;
  }
  return undefined;
}
