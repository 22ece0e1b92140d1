import { roundDiv } from "../../compiler/interval.js";
import type { Handler, InputField, Instr, IrProgram, Rounding } from "../../compiler/ir.js";
import { EventKind, type EventFields } from "../../runtime/event-tape.js";
import { eventNear, kindOf, withField } from "./aimed-events.js";
import { cone } from "../../compiler/dead-code.js";
import { boundaries } from "./field-solver.js";
import { Probe, type Evaluation } from "./probe.js";
import { loadable } from "./run-agreement.js";
import type { Case, Scenarios } from "./scenarios.js";

/**
 * A product rounded twice: `product` = round(a * b / 2^shift), then `shr` = round(product / 2^n). A
 * wrong rounding of the product (floor for ceil, say) moves it by one LSB, and that shows only where
 * the second rounding sits on its boundary and the product is inexact: about one event in 2^n. Random
 * streams never get there; the operands can be solved for, since the boundary is a congruence in them.
 */
export interface DoubleRounding {
  readonly handler: number;
  readonly product: number;
  readonly shr: number;
}

/** Variants of the product's rounding tried on a hit: it shows when one of them changes an output. */
const ROUNDINGS: readonly Rounding[] = ["floor", "ceil", "half_even"];
/** Solve-and-aim rounds per start (the fixed operand may move with the aimed field). */
const ROUNDS = 4;
/**
 * Parameter sets tried per product before a hit that shows is given up on: the defaults, all at the top
 * of their ranges, each alone at it, then all at it but one (two amplifiers together, while the one left
 * at its default would keep the solver from the edge: avellaneda's vol_hl at 4,096 leaves an average
 * whose products with every reachable m miss the edge's residues).
 */
const SETS = 24;
/** Sets without a hit after which a pair is given up. */
const MISSES = 3;
/**
 * Relative moves of the book before the aimed event, tried in turn on each parameter set, each from a
 * new price. A large move saturates the clamps of what it feeds (a variance), which then stays fixed
 * while the solver aims the price, and what it scales, at the edge, however far. A moderate one (1 bp)
 * feeds a variance that neither rounds to 0 nor caps what it scales, so that the parameters that
 * amplify the LSB (avellaneda's horizon and gamma at the top) leave the quotes inside the price range;
 * there the aimed event must stay within a moderate move too (a far one would feed a large variance
 * itself) while both operands move with it, so the solver's targets are out of reach, and the events
 * within NEAR of the start are tried in turn instead. The edge is about one product in 2^(n + 1) / 4
 * (2^15 for avellaneda's), so it takes several prices: this is costly, and done only on a set where the
 * large move's LSB moves more values than on every set before (the set amplifies it, and what stops it
 * there, a capped variance or a quote out of range cancelled, a moderate move avoids).
 */
const MOVES: readonly { readonly move: number; readonly near: boolean }[] = [
  { move: 0.01, near: false },
  ...Array.from({ length: 64 }, () => ({ move: 0.0001, near: true })),
];
/** How far (relative) from its start the aimed event of a moderate move is scanned. */
const NEAR = 0.0001;
/** Operands on the edge aimed at per round. */
const AIMS = 6;

export function doubleRoundings(program: IrProgram): DoubleRounding[] {
  return program.handlers.flatMap((h, handler) =>
    h.body.flatMap((ins) => {
      const p = ins.op === "shr" && ins.n > 0 ? h.body[ins.a] : undefined;
      return p?.op === "mul" && p.shift > 0 && p.a !== p.b ? [{ handler, product: p.id, shr: ins.id }] : [];
    }),
  );
}

/**
 * Residues of the second rounding's input where one LSB up or down changes its result, and the bits
 * they are taken mod. For half-even that depends on the parity of the quotient, so the residues are
 * mod 2^(n + 1): one below the tie with the quotient odd (up makes a tie that rounds up), at the tie with
 * it even (up leaves it) or odd (down leaves it), one above with it even (down makes a tie that rounds down).
 */
function edgeResidues(n: number, mode: Rounding): { bits: number; residues: bigint[] } {
  const top = 1n << BigInt(n);
  const half = top >> 1n;
  switch (mode) {
    case "floor":
      return { bits: n, residues: [0n, top - 1n] };
    case "ceil":
      return { bits: n, residues: [0n, 1n] };
    case "half_even":
      return { bits: n + 1, residues: [top + half - 1n, half, top + half, half + 1n] };
    default: {
      const never: never = mode;
      throw new Error(`unknown rounding ${String(never)}`);
    }
  }
}

/** The inverse of odd x mod 2^k (Newton: each step doubles the bits that are right). */
function inverseMod2k(x: bigint, k: number): bigint {
  const m = 1n << BigInt(k);
  let y = x % m;
  for (let bits = 3; bits < k; bits *= 2) y = (y * (2n - ((x * y) % m))) % m;
  return ((y % m) + m) % m;
}

/**
 * Values of b in [lo, hi], nearest `near` first, for which a * b is not a multiple of 2^shift and
 * floor(a * b / 2^shift) mod 2^m is an edge residue of the second rounding (m = n, or n + 1 for
 * half-even): a * b mod 2^(shift + m) lies in one of the windows [r * 2^shift + 1, (r + 1) * 2^shift - 1],
 * a linear congruence in b.
 * For a > 0 only (the products this is aimed at are of a variance and a price).
 */
export function tieOperands(a: bigint, shift: number, n: number, mode: Rounding, lo: bigint, hi: bigint, near: bigint, limit = 8): bigint[] {
  if (a <= 0n || lo > hi) return [];
  let e = 0;
  while (((a >> BigInt(e)) & 1n) === 0n) e++;
  const edges = edgeResidues(n, mode);
  const k = shift + edges.bits - e;
  if (e >= shift || k <= 0) return [];
  const modulus = 1n << BigInt(k);
  const inv = inverseMod2k(a >> BigInt(e), k);
  const step = 1n << BigInt(e);
  const out: bigint[] = [];
  for (const r of edges.residues) {
    const first = (r << BigInt(shift)) + 1n;
    const last = ((r + 1n) << BigInt(shift)) - 1n;
    for (let z = (first + step - 1n) / step; z * step <= last; z++) {
      const b0 = (z * inv) % modulus;
      // the representatives of b0 mod 2^k on each side of `near`
      const base = near - ((((near - b0) % modulus) + modulus) % modulus);
      for (const b of [base, base + modulus]) if (b >= lo && b <= hi) out.push(b);
    }
  }
  const dist = (b: bigint) => (b < near ? near - b : b - near);
  return out.sort((x, y) => (dist(x) < dist(y) ? -1 : dist(x) > dist(y) ? 1 : 0)).slice(0, limit);
}

/**
 * Whether the values put the pair on its edge: the product inexact, and its second rounding one LSB
 * from a step on the side another rounding of the product goes (up from floor, down from ceil).
 */
export function onEdge(h: Handler, d: DoubleRounding, v: Float64Array): boolean {
  const p = h.body[d.product];
  const s = h.body[d.shr];
  if (p.op !== "mul" || s.op !== "shr") return false;
  return edgeOperands(p, s, BigInt(v[p.a]), BigInt(v[p.b]));
}

/** Whether operands a and b put the product on its edge, in the direction its own rounding can be wrong. */
function edgeOperands(p: Instr & { op: "mul" }, s: Instr & { op: "shr" }, a: bigint, b: bigint): boolean {
  const scale = 1n << BigInt(p.shift);
  const exact = (a * b) % scale === 0n;
  const round = (y: bigint) => roundDiv(y, 1n << BigInt(s.n), s.round);
  const y = roundDiv(a * b, scale, p.round);
  const steps = { floor: [1n], ceil: [-1n], half_even: [1n, -1n] }[p.round];
  return !exact && steps.some((k) => round(y + k) !== round(y));
}

/** The program with the product's rounding replaced (as a wrong emitter would have it). */
export function withRounding(program: IrProgram, d: DoubleRounding, round: Rounding): IrProgram {
  const handlers = program.handlers.map((h, i) =>
    i === d.handler ? { ...h, body: h.body.map((ins) => (ins.id === d.product && ins.op === "mul" ? { ...ins, round } : ins)) } : h,
  );
  return { ...program, handlers };
}

/**
 * For every product rounded twice, events on its edge: from a warmed-up market at a high price (the
 * products scale with it), the solver computes the values of one operand that put the product on the
 * edge given the other, and aims each field of the event at the nearest, again from where it lands
 * (the other operand may move with the field). A hit is kept on the first parameter set where another
 * rounding of the product changes an output (a parameter at the top of its range, a long horizon or
 * a high risk aversion, amplifies the LSB); failing that, the first hit.
 */
export function tieCases(program: IrProgram, scenarios: Scenarios): Case[] {
  const out: Case[] = [];
  const defaults = program.params.map((p) => p.default);
  const tops = program.params.map((p) => p.range.hi);
  const sets = [
    defaults,
    tops,
    ...program.params.map((_, i) => defaults.map((v, k) => (k === i ? tops[k] : v))),
    ...program.params.map((_, i) => tops.map((v, k) => (k === i ? defaults[k] : v))),
  ].slice(0, SETS);
  for (const d of doubleRoundings(program)) {
    const h = program.handlers[d.handler];
    if (!h.outputs.length) continue;
    let fallback: Case | undefined;
    let shown = false;
    let misses = 0;
    // how many values the LSB of the large move's hits has moved at most (-1: no hit yet)
    let reach = -1;
    for (const base of sets) {
      const params = loadable(program, base);
      if (!params) continue;
      let hits = 0;
      let farther = false;
      for (const { move, near } of MOVES) {
        if (near && !farther) break;
        const m = scenarios.highPrice();
        // a market that has just moved: what the moves feed (a variance) is not 0
        const prefix = scenarios.warmup(m);
        const moved = Math.round(m * (1 + move));
        if (program.handlers.some((x) => x.event === "book")) prefix.push(eventNear(EventKind.book, moved, prefix[prefix.length - 1].t + 1));
        const probe = new Probe(program, params, prefix);
        // also far from the last price: a move past where its clamps saturate leaves what the move feeds
        // fixed while the price, and what it scales, is aimed
        const starts = (near ? [1] : [1, 1.05, 0.95]).map((k) => eventNear(kindOf(h), Math.round(moved * k), probe.time + 1));
        const hit = starts.reduce<EventFields | undefined>((found, e) => found ?? (near ? scanEdge(program, probe, h, d, e) : solveEdge(program, probe, h, d, e)), undefined);
        if (!hit) continue;
        hits++;
        const c = { base, stream: [...prefix, hit], label: `rounding edge of ${h.event} #${d.product}` };
        fallback ??= c;
        const { plain, variants } = variantsAt(program, probe, d, hit);
        if (!near) {
          const spread = Math.max(0, ...variants.map((o) => h.body.filter((ins) => o.values[ins.id] !== plain.values[ins.id]).length));
          farther = reach >= 0 && spread > reach;
          reach = Math.max(reach, spread);
        }
        if (shows(h, plain, variants)) {
          out.push(c);
          shown = true;
          break;
        }
      }
      if (shown) break;
      // a pair the solver cannot put on its edge on the first few sets is given up
      if (!hits && ++misses >= MISSES && !fallback) break;
    }
    if (!shown && fallback) out.push(fallback);
  }
  return out;
}

/** The reference's values for event e after the probe, and for it with each other rounding that moves the product. */
function variantsAt(program: IrProgram, probe: Probe, d: DoubleRounding, e: EventFields): { plain: Evaluation; variants: Evaluation[] } {
  const plain = probe.evaluate([e])!;
  const variants = ROUNDINGS.map((r) => probe.evaluate([e], withRounding(program, d, r))).filter((o): o is Evaluation => o !== undefined && o.values[d.product] !== plain.values[d.product]);
  return { plain, variants };
}

/** Whether every other rounding that moves the product changes an output or a state write. */
function shows(h: Handler, plain: Evaluation, variants: readonly Evaluation[]): boolean {
  return variants.length > 0 && variants.every((o) => [...h.outputs, ...h.writes].some((w) => o.values[w.value] !== plain.values[w.value]));
}

/** An event of handler h on the pair's edge, solved from `template`; undefined if none is found. */
function solveEdge(program: IrProgram, probe: Probe, h: Handler, d: DoubleRounding, template: EventFields): EventFields | undefined {
  const p = h.body[d.product];
  const s = h.body[d.shr];
  if (p.op !== "mul" || s.op !== "shr") return undefined;
  const handler = program.handlers.indexOf(h);
  for (const [fixed, aimed] of [
    [p.a, p.b],
    [p.b, p.a],
  ])
    for (const f of fieldsOf(h, aimed)) {
      const spec = h.inputs.find((i) => i.field === f)!;
      let e = template;
      for (let round = 0; round < ROUNDS; round++) {
        const ev = probe.evaluate([e]);
        if (!ev?.accepted || ev.handler !== handler) break;
        if (onEdge(h, d, ev.values)) return e;
        const r = h.body[aimed].range;
        // a half-even edge has residues for either direction: keep those the product's rounding moves across
        const fixedValue = BigInt(ev.values[fixed]);
        const wanted = tieOperands(fixedValue, p.shift, s.n, s.round, r.lo, r.hi, BigInt(ev.values[aimed]), 2 * AIMS)
          .filter((b) => edgeOperands(p, s, fixedValue, b))
          .slice(0, AIMS);
        // the aimed operand lands where wanted, but the fixed one moved with it: solve again from there
        let next: EventFields | undefined;
        for (const target of wanted) {
          const g = (x: bigint) => {
            const v = probe.evaluate(withField([e], 0, f, Number(x)));
            return v?.accepted && v.handler === handler ? BigInt(v.values[aimed]) - target : undefined;
          };
          const b = boundaries(g, spec.range.lo, spec.range.hi, BigInt(e[f]), 1)[0];
          if (!b) continue;
          const cands = [b.at, b.below].map((x) => withField([e], 0, f, Number(x))[0]);
          const hit = cands.find((c) => {
            const v = probe.evaluate([c]);
            return v?.accepted && onEdge(h, d, v.values);
          });
          if (hit) return hit;
          next ??= cands.find((c) => probe.evaluate([c])?.values[aimed] === Number(target));
        }
        if (!next) break;
        e = next;
      }
    }
  return undefined;
}

/**
 * An event of handler h on the pair's edge where it shows, among those near `template` (one field of the product's
 * operands at a time, outward from the template's value to NEAR of it, within its range); undefined if
 * none is.
 */
function scanEdge(program: IrProgram, probe: Probe, h: Handler, d: DoubleRounding, template: EventFields): EventFields | undefined {
  const p = h.body[d.product];
  if (p.op !== "mul") return undefined;
  const handler = program.handlers.indexOf(h);
  for (const f of new Set([...fieldsOf(h, p.a), ...fieldsOf(h, p.b)])) {
    const spec = h.inputs.find((i) => i.field === f)!;
    const width = 2 * Math.ceil(Math.abs(template[f]) * NEAR);
    for (let k = 0; k <= width; k++) {
      const x = template[f] + (k % 2 ? (k + 1) / 2 : -k / 2);
      if (x < spec.range.lo || x > spec.range.hi) continue;
      const e = withField([template], 0, f, x)[0];
      const ev = probe.evaluate([e]);
      if (ev?.accepted && ev.handler === handler && onEdge(h, d, ev.values)) {
        const { plain, variants } = variantsAt(program, probe, d, e);
        if (shows(h, plain, variants)) return e;
      }
    }
  }
  return undefined;
}

/** The event fields (other than time) an instruction depends on: those worth aiming it with. */
function fieldsOf(h: Handler, id: number): Exclude<InputField, "t">[] {
  const inCone = cone(h, id);
  const out = new Set<InputField>();
  for (const ins of h.body) if (inCone[ins.id] && ins.op === "input") out.add(ins.field);
  return [...out].filter((f): f is Exclude<InputField, "t"> => f !== "t");
}
