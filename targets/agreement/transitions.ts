import type { IrProgram } from "../../compiler/ir.js";
import { EventKind, type EventFields } from "../../runtime/event-tape.js";
import { eventNear, kindOf } from "./aimed-events.js";
import { boundaries } from "./field-solver.js";
import { paramsOf } from "./parameter-boundaries.js";
import { Probe } from "./probe.js";
import type { Prng } from "./prng.js";
import { loadable } from "./run-agreement.js";
import type { Case, Scenarios } from "./scenarios.js";
import type { StreamStep } from "./streams.js";

/** Starting points tried per (handler, derived parameter, base parameter). */
const STARTS = 6;
/** Parameter sets kept per (handler, derived parameter). */
const KEEP = 3;

/**
 * Transition search: a derived parameter read by a handler (c1, a spread constant) reaches an output
 * through roundings (precision, floor_tick), and a derived value one LSB off shows only where one of
 * them sits on its boundary, which depends on the parameters alone when nothing else moves. For a
 * short canonical stream (a warmed-up market, a quiet one or one that has just moved, so that what the
 * moves feed is not 0, then one event of the handler), each base parameter the
 * derived one reads is bisected between two values where the handler's outputs differ, down to
 * adjacent representable values: there the exact value before some rounding is within a step of its
 * boundary. Transitions where the derived value read one LSB higher changes the outputs are kept
 * (as Probe.observes keeps table reads that show); both sides of each become a stream.
 */
export function transitionCases(program: IrProgram, rng: Prng, scenarios: Scenarios): Case[] {
  const out: Case[] = [];
  const nBase = program.params.length;
  const defaults = program.params.map((p) => p.default);
  const hasBook = program.handlers.some((h) => h.event === "book");
  program.handlers.forEach((h) => {
    if (!h.outputs.length) return;
    const derivedRead = [...new Set(h.body.flatMap((ins) => (ins.op === "param" && ins.slot >= nBase ? [ins.slot] : [])))];
    for (const slot of derivedRead)
      for (const moved of [false, true]) {
        let kept = 0;
        const m = scenarios.marketPrice();
        const prefix: StreamStep[] = scenarios.warmup(m);
        // a quiet market leaves whatever the market's moves feed at 0, and a product with it hides the parameter
        const at = moved ? m + 2 : m;
        if (moved && hasBook) prefix.push(eventNear(EventKind.book, at, prefix[prefix.length - 1].t + 1));
        const last = eventNear(kindOf(h), at, prefix.length ? prefix[prefix.length - 1].t + 1 : 1_000);
        const sig = (vector: readonly bigint[] | undefined) => (vector ? signature(program, vector, prefix, last) : undefined);
        const bases = [...paramsOf(program, program.derived[slot - nBase].expr)];
        for (let n = 0; n < STARTS * bases.length && kept < KEEP; n++) {
          const i = bases[n % bases.length];
          const p = program.params[i];
          const start = n < bases.length ? defaults : program.params.map((q) => rng.big(q.range.lo, q.range.hi));
          const with_ = (x: bigint) => start.map((v, k) => (k === i ? x : v));
          const s0 = sig(loadable(program, start));
          if (s0 === undefined) continue;
          const g = (x: bigint) => {
            const s = sig(loadable(program, with_(x)));
            return s === undefined ? undefined : s === s0 ? -1n : 1n;
          };
          for (const b of boundaries(g, p.range.lo, p.range.hi, rng.big(p.range.lo, p.range.hi), 1)) {
            const shows = [b.below, b.at].some((x) => {
              const vector = loadable(program, with_(x));
              if (!vector) return false;
              const plain = sig(vector);
              const bumped = sig(vector.map((v, k) => (k === slot ? v + 1n : v)));
              return plain !== undefined && bumped !== undefined && plain !== bumped;
            });
            if (!shows) continue;
            kept++;
            for (const x of [b.below, b.at])
              out.push({
                base: with_(x),
                stream: [...prefix, last],
                label: `transition of ${h.event} in ${p.name} (derived ${slot - nBase}${moved ? ", after a move" : ""})`,
              });
          }
        }
      }
  });
  return out;
}

/** The handler's outputs and state writes for the last event, as a string; undefined if the reference refuses something. */
function signature(program: IrProgram, vector: readonly bigint[], prefix: readonly StreamStep[], last: EventFields): string | undefined {
  try {
    const ev = new Probe(program, vector, prefix).evaluate([last]);
    if (!ev?.accepted) return undefined;
    const h = program.handlers[ev.handler];
    return [...h.outputs, ...h.writes].map((w) => ev.values[w.value]).join(",");
  } catch {
    return undefined;
  }
}
