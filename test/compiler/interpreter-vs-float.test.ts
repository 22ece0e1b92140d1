/**
 * The reference interpreter against independent floating-point computations of the same formulas.
 *
 * How the tolerances are derived. Every compiled value is an integer raw / 2^frac, and each step of
 * the numeric model rounds in a known way:
 *   - a parameter is loaded half-even at its declared fraction bits: off by at most 2^-(frac+1);
 *   - a derived parameter is computed exactly (to 2^-120) and rounded once, half-even, to its slot's
 *     fraction bits: at most 2^-(frac+1) (slot fractions are read from the IR, by source text);
 *   - a per-event product or quotient rounds down to its result's fraction bits: less than 2^-frac;
 *   - precision(x, F) and assignment to a typed state round half-even: at most 2^-(F+1);
 *   - add, sub, min, max, clamp, neg and division by a power of two are exact or 1-Lipschitz;
 *   - a table function (ln, sqrt per event) adds its interpolation error, bounded below from the
 *     table's spacing and the function's second derivative, not taken from the compiler.
 * `Approx` below carries a float value v (the independent computation) with a bound e on
 * |compiled - v|, and propagates e through each operation with rigorous (not first-order) bounds:
 * |a'b' - ab| <= |a| eb + |b| ea + ea eb, |ln a' - ln a| <= ea / (a - ea), and so on. Each operation
 * also adds 2^-48 relative to its result for the float computation's own rounding. A check passes when
 * the compiled value lies within e of v; for whole-tick quotes, when it lies between the rounded ends
 * of [v - e, v + e]. The fraction bits of each step are the ones the language rules give for the
 * source lines they model (cited in comments), so a change of format or rounding makes a test fail.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parameterVector } from "../../compiler/derived-eval.js";
import { Interpreter } from "../../compiler/interpret.js";
import type { IrProgram } from "../../compiler/ir.js";
import { compileSource } from "../../compiler/pipeline.js";
import { renderDiagnostic } from "../../language/render-diagnostic.js";
import { EventKind, type EventFields } from "../../runtime/event-tape.js";

// ---------------------------------------------------------------------------------------------------
// Error-bounded float arithmetic

const FLOAT_REL = 2 ** -48;
const floorUlp = (frac: number) => 2 ** -frac;
const halfUlp = (frac: number) => 2 ** -(frac + 1);

class Approx {
  constructor(
    readonly v: number,
    readonly e: number,
  ) {
    if (!Number.isFinite(v) || !(e >= 0)) throw new RangeError(`bad approximation ${v} ± ${e}`);
  }

  static exact(v: number): Approx {
    return new Approx(v, 0);
  }

  /** A decimal parameter value as loaded: half-even to `frac` bits. */
  static param(v: number, frac: number): Approx {
    return new Approx(v, halfUlp(frac));
  }

  private static make(v: number, e: number): Approx {
    return new Approx(v, e + Math.abs(v) * FLOAT_REL);
  }

  plus(o: Approx): Approx {
    return Approx.make(this.v + o.v, this.e + o.e);
  }

  minus(o: Approx): Approx {
    return Approx.make(this.v - o.v, this.e + o.e);
  }

  /** Exact product, or rounded down to `frac` bits when given (a per-event `*`). */
  times(o: Approx, frac?: number): Approx {
    const e = Math.abs(this.v) * o.e + Math.abs(o.v) * this.e + this.e * o.e;
    return Approx.make(this.v * o.v, e + (frac === undefined ? 0 : floorUlp(frac)));
  }

  /** Exact quotient, or rounded down to `frac` bits when given (a per-event `/`). */
  div(o: Approx, frac?: number): Approx {
    const b = Math.abs(o.v);
    if (!(b > o.e)) throw new RangeError("divisor bound includes zero");
    const e = (b * this.e + Math.abs(this.v) * o.e) / (b * (b - o.e));
    return Approx.make(this.v / o.v, e + (frac === undefined ? 0 : floorUlp(frac)));
  }

  /** Multiplication or division by a power of two: exact. */
  scale(k: number): Approx {
    return new Approx(this.v * k, this.e * Math.abs(k));
  }

  /** Rounding to `frac` bits: precision(x, frac) and typed assignment are half-even, others floor. */
  round(frac: number, mode: "half_even" | "floor" = "half_even"): Approx {
    return new Approx(this.v, this.e + (mode === "floor" ? floorUlp(frac) : halfUlp(frac)));
  }

  clamp(lo: number, hi: number): Approx {
    return new Approx(Math.min(Math.max(this.v, lo), hi), this.e);
  }

  ln(tableError = 0): Approx {
    if (!(this.v > this.e)) throw new RangeError("ln argument bound includes zero");
    return Approx.make(Math.log(this.v), this.e / (this.v - this.e) + tableError);
  }

  sqrt(tableError = 0): Approx {
    const byValue = this.v > 0 ? this.e / Math.sqrt(this.v) : Infinity;
    return Approx.make(Math.sqrt(Math.max(this.v, 0)), Math.min(Math.sqrt(this.e), byValue) + tableError);
  }

  /** this^o = exp(o ln this); |e^(a + d) - e^a| <= e^a (e^|d| - 1). */
  pow(o: Approx): Approx {
    if (!(this.v > this.e)) throw new RangeError("pow base bound includes zero");
    const lnA = Math.log(this.v);
    const dLn = this.e / (this.v - this.e);
    const d = Math.abs(lnA) * o.e + (Math.abs(o.v) + o.e) * dLn;
    const v = Math.pow(this.v, o.v);
    return Approx.make(v, v * Math.expm1(d));
  }

  /** The compiled value is within the bound. */
  holds(compiled: number): boolean {
    return Math.abs(compiled - this.v) <= this.e;
  }
}

/** The whole ticks a floor_tick (or ceil_tick) of a value within x.e of x.v can give. */
const floorRange = (x: Approx) => [Math.floor(x.v - x.e), Math.floor(x.v + x.e)];
const ceilRange = (x: Approx) => [Math.ceil(x.v - x.e), Math.ceil(x.v + x.e)];

/**
 * Interpolation error of a table with linear interpolation between samples h apart: h^2 / 8 times
 * the largest |f''| on the segment, plus the samples' rounding to 32 bits (2^-33), the interpolation
 * step's floor (2^-32) and the final clamp to the table's range (2^-33). planLut uses at most 1024
 * segments, so h is less than twice (range width) / 1024.
 */
/** raw / 2^n rounded half-even, on BigInt (raw >= 0). */
function halfEven(raw: bigint, n: number): bigint {
  const q = raw >> BigInt(n);
  const rest = raw - (q << BigInt(n));
  const half = 1n << BigInt(n - 1);
  return rest > half || (rest === half && (q & 1n) === 1n) ? q + 1n : q;
}

function tableError(width: number, maxSecondDerivative: number): number {
  const h = (2 * width) / 1024;
  return (h * h * maxSecondDerivative) / 8 + 2 ** -33 + 2 ** -32 + 2 ** -33;
}

// ---------------------------------------------------------------------------------------------------
// Compiling and reading values

const read = (rel: string) => readFileSync(new URL(`../../${rel}`, import.meta.url), "utf8");

function compile(rel: string): { ir: IrProgram; text: string } {
  const text = read(rel);
  const c = compileSource(rel, text);
  expect(c.diagnostics.items.map((d) => renderDiagnostic(c.file, d))).toEqual([]);
  expect(c.ir).toBeDefined();
  return { ir: c.ir!, text };
}

/** The source text of `let name = ...` (one line), as the compiler records it on derived slots. */
function letText(text: string, name: string): string {
  const m = new RegExp(`^\\s*let ${name} = (.+)$`, "m").exec(text);
  if (!m) throw new Error(`no 'let ${name} = ...' in the source`);
  return m[1].replace(/#.*$/, "").trim().replace(/\s+/g, " ");
}

/** Derived slots hoisted from an expression with this source text (one per precision it is used at). */
function derivedSlots(ir: IrProgram, text: string): number[] {
  // copies unrolled from a for loop carry their loop variable: "text [level = 2]"
  const slots = ir.derived.flatMap((d, i) => (d.text === text || d.text.startsWith(`${text} [`) ? [i] : []));
  if (slots.length === 0) throw new Error(`no derived parameter for '${text}'; derived: ${ir.derived.map((d) => d.text).join(" | ")}`);
  return slots;
}

/** The coarsest fraction bits of the derived slots for `text`: the error bound that covers all of them. */
const derivedFrac = (ir: IrProgram, text: string) => Math.min(...derivedSlots(ir, text).map((i) => ir.derived[i].frac));

function stateSlot(ir: IrProgram, name: string): number {
  const slot = ir.state.findIndex((s) => s.name === name);
  if (slot < 0) throw new Error(`no state '${name}'`);
  return slot;
}

const stateValue = (ir: IrProgram, interp: Interpreter, name: string) => {
  const slot = stateSlot(ir, name);
  return Number(interp.state[slot]) / 2 ** ir.state[slot].frac;
};

const paramIndex = (ir: IrProgram, name: string) => {
  const i = ir.params.findIndex((p) => p.name === name);
  if (i < 0) throw new Error(`no parameter '${name}'`);
  return i;
};

/** A parameter's value as loaded (raw / 2^frac), from a base vector. */
const loaded = (ir: IrProgram, base: readonly bigint[], name: string) => {
  const i = paramIndex(ir, name);
  return Number(base[i]) / 2 ** ir.params[i].frac;
};

const defaults = (ir: IrProgram) => ir.params.map((p) => p.default);

/** mulberry32: a small seeded generator, so every run sees the same streams. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const logUniform = (r: () => number, lo: number, hi: number) => Math.exp(Math.log(lo) + r() * (Math.log(hi) - Math.log(lo)));

/** A base parameter vector: named values (quantized half-even, within range), defaults elsewhere. */
function baseWith(ir: IrProgram, values: Record<string, number>): bigint[] {
  return ir.params.map((p) => {
    if (!(p.name in values)) return p.default;
    const raw = BigInt(Math.round(values[p.name] * 2 ** p.frac));
    return raw < p.range.lo ? p.range.lo : raw > p.range.hi ? p.range.hi : raw;
  });
}

const NS = 1_000_000_000;

// ---------------------------------------------------------------------------------------------------
// (a) Avellaneda–Stoikov closed forms

describe("(a) Avellaneda–Stoikov: reservation price and optimal spread", () => {
  const { ir } = compile("test/compiler/fixtures/avellaneda-stoikov.lstep");

  it("s = 100, q = 3, gamma = 0.1, sigma = 2, T - t = 1, k = 1.5 gives r = 98.8 and spread 1.690770...", () => {
    const interp = new Interpreter(ir, true);
    interp.reset(parameterVector(ir, defaults(ir)));
    // q = 3 from two fills (buy 5, sell 2), s = 100 from a book 99 / 101 (tick = 1), at t = 1 s with a
    // 2 s horizon, so remaining(horizon) = 1 s.
    expect(interp.step(EventKind.fill, 0.25 * NS, 100, 5, 1, 0)).toBe(true);
    expect(interp.step(EventKind.fill, 0.5 * NS, 100, 2, -1, 0)).toBe(true);
    expect(interp.step(EventKind.book, 1 * NS, 99, 10, 101, 10)).toBe(true);
    const r = stateValue(ir, interp, "r_out");
    const spread = stateValue(ir, interp, "spread_out");

    // The float reference from the exact decimal inputs.
    const [s, q, gamma, sigma, tau, k] = [100, 3, 0.1, 2, 1, 1.5];
    expect(s - q * gamma * sigma ** 2 * tau).toBeCloseTo(98.8, 12);
    expect(gamma * sigma ** 2 * tau + (2 / gamma) * Math.log(1 + gamma / k)).toBeCloseTo(1.69077, 5);

    // Error bounds. gamma, sigma, k are fix<_.40> parameters; gamma * sq(sigma) and (2 / gamma) * ln(...)
    // are derived slots; seconds(remaining) rounds down to 20 bits (52 - 32 bits of a duration up to 2 s);
    // the products round down to 32 bits; the states are fix<20.32> (no further rounding).
    const G = Approx.param(gamma, 40);
    const S = Approx.param(sigma, 40);
    const K = Approx.param(k, 40);
    const invRisk = G.times(S.times(S)).round(derivedFrac(ir, "gamma * sq(sigma)"));
    const T = Approx.exact(tau).round(20, "floor");
    const riskTau = invRisk.times(T, 32);
    const rRef = Approx.exact(s).minus(Approx.exact(q).times(riskTau, 32));
    const lnTerm = Approx.exact(2)
      .div(G)
      .times(Approx.exact(1).plus(G.div(K)).ln())
      .round(derivedFrac(ir, "(2 / gamma) * ln(1 + gamma / k)"));
    const spreadRef = riskTau.plus(lnTerm);

    expect(rRef.v).toBeCloseTo(98.8, 12);
    expect(spreadRef.v).toBeCloseTo(1.6907704228, 9);
    // The bounds are tight enough to mean something: about the sixth decimal (mostly the 20-bit tau).
    expect(rRef.e).toBeLessThan(2e-6);
    expect(spreadRef.e).toBeLessThan(1e-6);
    expect(Math.abs(r - rRef.v)).toBeLessThanOrEqual(rRef.e);
    expect(Math.abs(spread - spreadRef.v)).toBeLessThanOrEqual(spreadRef.e);
  });

  it("tracks q and s: other positions, mids and times", () => {
    const interp = new Interpreter(ir, true);
    const r0 = rng(11);
    for (let run = 0; run < 50; run++) {
      const gamma = 0.01 + r0() * 0.99;
      const sigma = 0.1 + r0() * 9.9;
      const k = 0.1 + r0() * 9.9;
      const horizonS = int(r0, 1, 2);
      const base = baseWith(ir, { gamma, sigma, k, horizon: horizonS * NS });
      interp.reset(parameterVector(ir, base));
      const q = int(r0, -100, 100);
      if (q !== 0) expect(interp.step(EventKind.fill, 1, 500, Math.abs(q), Math.sign(q), 0)).toBe(true);
      const bid = int(r0, 1, 999);
      const ask = int(r0, bid, 1000);
      const t = int(r0, 2, 30 * NS);
      expect(interp.step(EventKind.book, t, bid, 1, ask, 1)).toBe(true);

      // Inputs as loaded; the chain as above.
      const G = Approx.exact(loaded(ir, base, "gamma"));
      const S = Approx.exact(loaded(ir, base, "sigma"));
      const K = Approx.exact(loaded(ir, base, "k"));
      const H = horizonS * NS;
      const invRisk = G.times(S.times(S)).round(derivedFrac(ir, "gamma * sq(sigma)"));
      const T = Approx.exact((H - (t % H)) / NS).round(20, "floor");
      const riskTau = invRisk.times(T, 32);
      const rRef = Approx.exact((bid + ask) / 2).minus(Approx.exact(q).times(riskTau, 32));
      const lnTerm = Approx.exact(2)
        .div(G)
        .times(Approx.exact(1).plus(G.div(K)).ln())
        .round(derivedFrac(ir, "(2 / gamma) * ln(1 + gamma / k)"));
      const spreadRef = riskTau.plus(lnTerm);
      expect(rRef.e).toBeLessThan(2e-6 * (1 + Math.abs(q) * invRisk.v));
      expect(Math.abs(stateValue(ir, interp, "r_out") - rRef.v)).toBeLessThanOrEqual(rRef.e);
      expect(Math.abs(stateValue(ir, interp, "spread_out") - spreadRef.v)).toBeLessThanOrEqual(spreadRef.e);
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// (b) GLFT closed form

/** hftbacktest's compute_coeff, then half spread and skew, in float. */
function glftFloat(A: number, k: number, gamma: number, xi: number, delta: number, sigma: number) {
  const c1 = (1 / (xi * delta)) * Math.log(1 + (xi * delta) / k);
  const c2 = Math.sqrt((gamma / (2 * A * delta * k)) * Math.pow(1 + (xi * delta) / k, k / (xi * delta) + 1));
  return { c1, c2, halfSpread: c1 + (delta / 2) * c2 * sigma, skew: c2 * sigma };
}

/** The same, carrying error bounds from parameter values known to within their `Approx` bounds. */
function glftApprox(A: Approx, k: Approx, gamma: Approx, xi: Approx, delta: Approx) {
  const one = Approx.exact(1);
  const xd = xi.times(delta);
  const u = xd.div(k);
  const c1 = one.div(xd).times(one.plus(u).ln());
  const c2 = gamma
    .div(Approx.exact(2).times(A).times(delta).times(k))
    .times(one.plus(u).pow(k.div(xd).plus(one)))
    .sqrt();
  return { c1, c2 };
}

describe("(b) GLFT: half spread and skew", () => {
  const { ir, text } = compile("test/compiler/fixtures/glft-closed-form.lstep");
  const P = { A: 2.986162360812285, k: 0.04235741115084049, gamma: 0.05, xi: 0.05, delta: 1, sigma: 10.69 };
  const HALF_SPREAD = 20.47208533844371;
  const SKEW = 9.76326865029227;

  it("the float reference reproduces hftbacktest's numbers", () => {
    const f = glftFloat(P.A, P.k, P.gamma, P.xi, P.delta, P.sigma);
    expect(Math.abs(f.halfSpread - HALF_SPREAD)).toBeLessThan(1e-12);
    expect(Math.abs(f.skew - SKEW)).toBeLessThan(1e-12);
  });

  /** One book event with bid 1069 (sigma_book = bid / 100 = 10.69), on the default parameters. */
  function run(): Interpreter {
    const interp = new Interpreter(ir, true);
    interp.reset(parameterVector(ir, defaults(ir)));
    expect(interp.step(EventKind.book, 1, 1069, 1, 1070, 1)).toBe(true);
    return interp;
  }

  // Parameters as fix<4.48> (A, delta), fix<2.50> (k, gamma, xi) and fix<8.44> (sigma).
  const A = Approx.param(P.A, 48);
  const k = Approx.param(P.k, 50);
  const gamma = Approx.param(P.gamma, 50);
  const xi = Approx.param(P.xi, 50);
  const delta = Approx.param(P.delta, 48);
  const sigma = Approx.param(P.sigma, 44);
  const { c1, c2 } = glftApprox(A, k, gamma, xi, delta);
  const c1Text = letText(text, "c1");
  const c2Text = letText(text, "c2");

  it("with sigma a parameter: each value is one derived parameter, rounded once, then stored at 44 bits", () => {
    const hs = c1
      .plus(delta.scale(1 / 2).times(c2).times(sigma))
      .round(derivedFrac(ir, "c1 + delta / 2 * c2 * sigma"))
      .round(44);
    const skew = c2.times(sigma).round(derivedFrac(ir, "c2 * sigma")).round(44);
    expect(Math.abs(hs.v - HALF_SPREAD)).toBeLessThan(1e-12);
    expect(Math.abs(skew.v - SKEW)).toBeLessThan(1e-12);
    expect(hs.e).toBeLessThan(1e-8);
    expect(skew.e).toBeLessThan(1e-8);
    const interp = run();
    expect(Math.abs(stateValue(ir, interp, "hs_param") - hs.v)).toBeLessThanOrEqual(hs.e);
    expect(Math.abs(stateValue(ir, interp, "skew_param") - skew.v)).toBeLessThanOrEqual(skew.e);
  });

  it("with sigma from the book: derived c1, delta / 2 * c2 and c2 times a per-event sigma", () => {
    // sigma_book = precision(1069, 32) / 100: a quotient rounded down to 32 bits.
    const sigmaBook = Approx.exact(1069).div(Approx.exact(100), 32);
    const c1Slot = c1.round(derivedFrac(ir, c1Text));
    const halfC2Slot = delta.scale(1 / 2).times(c2).round(derivedFrac(ir, "delta / 2 * c2"));
    const c2Slot = c2.round(derivedFrac(ir, c2Text));
    // Products round down to the finer operand's precision: 32 bits (sigma_book's), at least.
    const hs = c1Slot.plus(halfC2Slot.times(sigmaBook, 32)).round(44);
    const skew = c2Slot.times(sigmaBook, 32).round(44);
    expect(Math.abs(hs.v - HALF_SPREAD)).toBeLessThan(1e-12);
    expect(Math.abs(skew.v - SKEW)).toBeLessThan(1e-12);
    expect(hs.e).toBeLessThan(1e-5);
    expect(skew.e).toBeLessThan(1e-5);
    const interp = run();
    expect(Math.abs(stateValue(ir, interp, "hs_event") - hs.v)).toBeLessThanOrEqual(hs.e);
    expect(Math.abs(stateValue(ir, interp, "skew_event") - skew.v)).toBeLessThanOrEqual(skew.e);
  });
});

// ---------------------------------------------------------------------------------------------------
// (c) The derived parameters of examples/glft.lstep

describe("(c) examples/glft.lstep: c1 and c2 are derived parameters and match Math.log / Math.sqrt / Math.pow", () => {
  const { ir, text } = compile("examples/glft.lstep");
  const c1Slots = derivedSlots(ir, letText(text, "c1"));
  const c2Slots = derivedSlots(ir, letText(text, "c2"));

  /** Base vectors: the defaults, the corner where c2 peaks, and random points of the declared ranges. */
  function vectors(): bigint[][] {
    const out = [defaults(ir), baseWith(ir, { A: 0.1, k: 0.005, gamma: 1, xi: 1, delta: 1 })];
    const r = rng(3);
    for (let i = 0; i < 200; i++) {
      out.push(
        baseWith(ir, {
          A: logUniform(r, 0.1, 1_000),
          k: logUniform(r, 0.005, 0.05),
          gamma: logUniform(r, 0.001, 1),
          xi: logUniform(r, 0.02, 1),
          delta: 1 + r() * 9,
        }),
      );
    }
    return out;
  }

  it("are computed once per load: no ln, exp or pow table in any handler", () => {
    expect(ir.luts.map((l) => l.name).filter((n) => !n.startsWith("sqrt"))).toEqual([]);
  });

  it("on the defaults, the corner where c2 peaks and 200 random parameter vectors, to half a unit in the last place", () => {
    expect(c1Slots.length).toBeGreaterThan(0);
    expect(c2Slots.length).toBeGreaterThan(0);
    const np = ir.params.length;
    let checked = 0;
    for (const base of vectors()) {
      const pv = parameterVector(ir, base);
      const p = (n: string) => loaded(ir, base, n);
      const f = glftFloat(p("A"), p("k"), p("gamma"), p("xi"), p("delta"), 0);
      expect(f.c2).toBeLessThan(512); // so min(..., 512) in the example never binds
      // The float formula's own error: a few ulps per operation, amplified at most by the exponent
      // (below 4 here) in pow: 2^-44 relative covers it with room to spare.
      for (const [slots, want] of [
        [c1Slots, f.c1],
        [c2Slots, f.c2],
      ] as const) {
        for (const i of slots) {
          const d = ir.derived[i];
          const got = Number(pv[np + i]) / 2 ** d.frac;
          const bound = halfUlp(d.frac) + Math.abs(want) * 2 ** -44;
          expect(bound).toBeLessThan(1e-6);
          expect(Math.abs(got - want), `${d.text} at ${base.join(",")}`).toBeLessThanOrEqual(bound);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(2 * 202);
  });
});

// ---------------------------------------------------------------------------------------------------
// (d) Random streams through the examples

type Event = EventFields;

/**
 * A random walk of the book around `mid0` ticks, with trades and our fills mixed in. Fills lean
 * against the position once it passes `posSoft` lots, so it wanders without sticking at a limit.
 */
function marketStream(r: () => number, n: number, mid0: number, maxMove: number, fillMax: number, posSoft: number): Event[] {
  const out: Event[] = [];
  let t = int(r, 0, 5 * NS);
  let mid = mid0;
  let pos = 0;
  for (let i = 0; i < n; i++) {
    t += int(r, 0, 50_000_000);
    const u = r();
    if (u < 0.6) {
      mid = Math.max(10, mid + int(r, -maxMove, maxMove));
      const spread = int(r, 1, 4);
      const bid = mid - int(r, 0, spread);
      out.push({ kind: EventKind.book, t, a: bid, b: int(r, 0, 5_000), c: bid + spread, d: int(r, 0, 5_000) });
    } else if (u < 0.9) {
      out.push({ kind: EventKind.trade, t, a: mid + int(r, -2, 2), b: int(r, 1, 3_000), c: r() < 0.5 ? 1 : -1, d: 0 });
    } else {
      const lean = pos > posSoft ? 0.8 : pos < -posSoft ? 0.2 : 0.5;
      const side = r() < lean ? -1 : 1;
      const qty = int(r, 1, fillMax);
      pos += side * qty;
      out.push({ kind: EventKind.fill, t, a: mid, b: qty, c: side, d: 0 });
    }
  }
  return out;
}

/**
 * The float models below restate these lines of each example; if one changes, this says so before a
 * bound does (comments are ignored, spacing is normalised).
 */
function expectModelledLines(text: string, lines: string[]): void {
  const code = new Set(text.split("\n").map((l) => l.replace(/#.*$/, "").trim().replace(/\s+/g, " ")));
  expect(lines.filter((l) => !code.has(l)), "example lines the float model restates").toEqual([]);
}

/**
 * After a stream, fills that walk the position to each target in turn, each followed by a repeat of
 * the last book: the max-position guards' edges, which random fills rarely hit exactly.
 */
function edgeWalk(stream: Event[], targets: number[], posLo: number, posHi: number): Event[] {
  let pos = 0;
  let book: Event | undefined;
  for (const e of stream) {
    if (e.kind === EventKind.fill) pos = Math.min(Math.max(pos + e.c * e.b, posLo), posHi);
    if (e.kind === EventKind.book) book = e;
  }
  if (!book) throw new Error("a stream without a book");
  let t = stream[stream.length - 1].t;
  const out: Event[] = [];
  for (const raw of targets) {
    const target = Math.min(Math.max(raw, posLo), posHi);
    if (target !== pos) out.push({ kind: EventKind.fill, t: (t += 1_000), a: book.a, b: Math.abs(target - pos), c: Math.sign(target - pos), d: 0 });
    pos = target;
    out.push({ ...book, t: (t += 1_000) });
  }
  return out;
}

describe("(d) examples/avellaneda.lstep on random streams", () => {
  const { ir, text } = compile("examples/avellaneda.lstep");

  it("still computes what the float model restates", () =>
    expectModelledLines(text, [
      "state sigma2_bp : fix<8.44> = ewma(sq(precision(log_return(mid) * 10_000, 16)), halflife = vol_hl) in [0, 128]",
      "state pressure = vamp(window = vamp_win)",
      "let tau = precision(seconds(remaining(horizon)), 8)",
      "let m = precision(value(mid) / 10_000, 8)",
      "let s2 = precision(sigma2_bp, 32)",
      "let var_ticks = min(precision(precision(s2 * m, 16) * m, 8), 1_000_000)",
      "let inv_risk = precision(precision(gamma * var_ticks, 8) * tau, 8)",
      "let q = precision(clamp(value(position) / 1_000, -1_000, 1_000), 4)",
      "let skew = clamp(precision(q * inv_risk, 8), -100_000, 100_000)",
      "let r = precision(mid + pressure * vamp_skew - price(skew), 8)",
      "let half = price(precision((inv_risk + (2 / gamma) * ln(1 + gamma / kappa)) / 2, 8))",
      "quote bid = floor_tick(r - half), ask = ceil_tick(r + half), qty = order_qty within 1 tick",
    ]));

  const np = ir.params.length;
  const alphaText = "1 - 2^(-1/vol_hl)";
  const lnText = "(2 / gamma) * ln(1 + gamma / kappa)";
  const fAlpha = derivedFrac(ir, alphaText);
  const fLn = derivedFrac(ir, lnText);
  const slots = {
    sigma2: stateSlot(ir, "sigma2_bp"),
    pressure: stateSlot(ir, "pressure"),
    buy: stateSlot(ir, "pressure_buy_volume"),
    sell: stateSlot(ir, "pressure_sell_volume"),
    position: stateSlot(ir, "position"),
  };
  const out = (name: string) => ir.outputs.findIndex((o) => o.name === name);
  const [oValid, oBid, oAsk, oBidQty, oAskQty] = ["quote_valid", "quote_bid", "quote_ask", "quote_bid_qty", "quote_ask_qty"].map(out);
  // examples/avellaneda.lstep declares position in [-1_000_000, 1_000_000]: the strategy reads it clamped
  const seenPosition = (exact: number) => Math.min(Math.max(exact, -1_000_000), 1_000_000);
  const qtyHi = 10_000_000;

  // ln per event: log_return's table over [15/16, 17/16]; |ln''| <= (16/15)^2 there.
  const LN_TABLE = tableError(2 / 16, (16 / 15) ** 2);

  it("sigma2_bp, the vamp counters and pressure, and every quote stay within their bounds", () => {
    const r = rng(20240808);
    let quotes = 0;
    let quotesOffFloat = 0;
    let worstBound = 0;
    let worstSigmaBound = 0;
    const bounds: number[] = [];
    for (let run = 0; run < 12; run++) {
      // Parameters within the declared ranges, leaning to realistic ones: the example keeps T - t to 8
      // fraction bits and q to 4, so with large gamma * sigma^2 * (T - t) and inventory the format
      // bound itself (not the error seen) grows to many ticks, and the check would say little.
      const base = baseWith(ir, {
        gamma: logUniform(r, 0.01, 0.3),
        kappa: logUniform(r, 0.01, 100),
        horizon: int(r, 1, 60) * NS,
        order_qty: int(r, 1, 100_000),
        vol_hl: Math.round(logUniform(r, 16, 4_096)),
        vamp_win: Math.round(logUniform(r, 1, 4_096)),
        vamp_skew: int(r, 0, 20),
      });
      const pv = parameterVector(ir, base);
      const interp = new Interpreter(ir, true);
      interp.reset(pv);
      const gamma = loaded(ir, base, "gamma");
      const kappa = loaded(ir, base, "kappa");
      const H = loaded(ir, base, "horizon");
      const volHl = loaded(ir, base, "vol_hl");
      const window = loaded(ir, base, "vamp_win");
      const vampSkew = loaded(ir, base, "vamp_skew");
      const orderQty = loaded(ir, base, "order_qty");
      // alpha = 1 - 2^(-1/vol_hl), a derived slot: within half a unit of its last place.
      const alpha = 1 - Math.pow(2, -1 / volHl);
      const eAlpha = halfUlp(fAlpha) + alpha * 2 ** -48;
      const alphaSlot = Number(pv[np + derivedSlots(ir, alphaText)[0]]) / 2 ** fAlpha;
      expect(Math.abs(alphaSlot - alpha)).toBeLessThanOrEqual(eAlpha);
      const G = Approx.exact(gamma);
      const lnTerm = Approx.exact(2).div(G).times(Approx.exact(1).plus(G.div(Approx.exact(kappa))).ln()).round(fLn);

      // The float model.
      let prevMid = 0;
      let sigma2 = 0;
      let eSigma2 = 0;
      let buy = 0;
      let sell = 0;
      let position = 0;
      // the vamp counters keep fBuy fraction bits; their ceiling is the qty range * the window's upper bound
      const fBuy = ir.state[slots.buy].frac;
      const cap = BigInt(qtyHi * 4_096) << BigInt(fBuy);
      let buyRaw = 0n;
      let sellRaw = 0n;

      const mid0 = run % 2 === 0 ? 20_000 : 60_000;
      for (const ev of marketStream(r, 1_500, mid0, run % 2 === 0 ? 2 : 6, 1_000, 3_000)) {
        expect(interp.step(ev.kind, ev.t, ev.a, ev.b, ev.c, ev.d)).toBe(true);
        if (ev.kind === EventKind.fill) {
          position += ev.c * ev.b; // the register is exact
          expect(Number(interp.state[slots.position])).toBe(position);
          continue;
        }
        if (ev.kind === EventKind.trade) {
          // vamp: counters at fBuy fraction bits lose c / N per trade, the quotient floored to one more bit
          // and then rounded half-even; exact on BigInt. The pressure reads them rounded half-even to lots.
          const decay = (c: bigint, mine: number) => {
            const next = c - halfEven((2n * c) / BigInt(window), 1) + (BigInt(mine) << BigInt(fBuy));
            return next > cap ? cap : next;
          };
          buyRaw = decay(buyRaw, ev.c > 0 ? ev.b : 0);
          sellRaw = decay(sellRaw, ev.c > 0 ? 0 : ev.b);
          expect(interp.state[slots.buy]).toBe(buyRaw);
          expect(interp.state[slots.sell]).toBe(sellRaw);
          buy = Number(halfEven(buyRaw, fBuy));
          sell = Number(halfEven(sellRaw, fBuy));
          // pressure: a quotient rounded down to 16 bits.
          const pressure = (buy - sell) / Math.max(buy + sell, 1);
          const got = Number(interp.state[slots.pressure]) / 2 ** 16;
          expect(Math.abs(got - pressure)).toBeLessThanOrEqual(floorUlp(16));
          continue;
        }

        // Book. sigma2_bp = ewma(sq(precision(log_return(mid) * 10_000, 16)), halflife = vol_hl) in [0, 128]:
        // the ratio mid / prev, a long division floored at 2^-50 then rounded half-even to 49 bits, is
        // clamped to [15/16, 17/16] and goes through the ln table; * 10_000 is exact; precision(, 16)
        // rounds half-even; sq is exact (32 bits).
        const mid = (ev.a + ev.c) / 2;
        let x = Approx.exact(0);
        if (prevMid > 0) {
          const ratio = new Approx(mid / prevMid, floorUlp(49) + (mid / prevMid) * FLOAT_REL).clamp(15 / 16, 17 / 16);
          const ret = ratio.ln(LN_TABLE).times(Approx.exact(10_000)).round(16);
          x = ret.times(ret, 32);
        }
        x = x.clamp(0, 128);
        // s' = s + (x - s) * alpha at 44 bits, clamped to [0, 128]: the difference splits in two so that no
        // bit is lost, and each of the two products rounds half-even (at most one unit in the last place):
        // s'_c - s'_f = (1 - alpha_c)(s_c - s_f) + alpha_c (x_c - x_f) + (alpha_c - alpha)(x_f - s_f) + rounding.
        const next = Math.min(Math.max(sigma2 + (x.v - sigma2) * alpha, 0), 128);
        eSigma2 =
          (1 - alpha + eAlpha) * eSigma2 +
          (alpha + eAlpha) * x.e +
          eAlpha * Math.abs(x.v - sigma2) +
          floorUlp(44) +
          next * FLOAT_REL;
        sigma2 = next;
        prevMid = mid;
        const sigma2Compiled = Number(interp.state[slots.sigma2]) / 2 ** 44;
        expect(Math.abs(sigma2Compiled - sigma2), `sigma2_bp at t=${ev.t}`).toBeLessThanOrEqual(eSigma2);
        worstSigmaBound = Math.max(worstSigmaBound, eSigma2);

        // The quote, from the compiled sigma2_bp (an input here: checked just above) and the float pressure.
        const pressure = new Approx((buy - sell) / Math.max(buy + sell, 1), floorUlp(16));
        // tau = precision(seconds(remaining(horizon)), 8): seconds() rounds down to 9 bits (52 - 43 bits
        // of a duration up to 1 h), then half-even to 8.
        const tau = Approx.exact((H - (ev.t % H)) / NS).round(9, "floor").round(8);
        // m = precision(value(mid) / 10_000, 8): the quotient at 16 bits, then 8.
        const m = Approx.exact(mid).div(Approx.exact(10_000), 16).round(8);
        // s2 = precision(sigma2_bp, 32); var_ticks = min(precision(precision(s2 * m, 16) * m, 8), 1_000_000)
        const s2 = Approx.exact(sigma2Compiled).round(32);
        // (the second product keeps 23 fraction bits: as many as fit 53 bits)
        const varTicks = s2.times(m, 32).round(16).times(m, 23).round(8).clamp(0, 1_000_000);
        // inv_risk = precision(precision(gamma * var_ticks, 8) * tau, 8)   (gamma is a fix<8.24> parameter;
        // both products are exact: 32 and 16 fraction bits)
        const invRisk = Approx.exact(gamma).times(varTicks, 32).round(8).times(tau, 16).round(8);
        // q = precision(clamp(value(position) / 1_000, -1_000, 1_000), 4)
        const q = Approx.exact(seenPosition(position)).div(Approx.exact(1_000), 16).clamp(-1_000, 1_000).round(4);
        // skew = clamp(precision(q * inv_risk, 8), -100_000, 100_000)
        const skew = q.times(invRisk, 10).round(8).clamp(-100_000, 100_000);
        // r = precision(mid + pressure * vamp_skew - price(skew), 8)
        const res = Approx.exact(mid).plus(pressure.times(Approx.exact(vampSkew), 16)).minus(skew).round(8);
        // half = price(precision((inv_risk + (2 / gamma) * ln(1 + gamma / kappa)) / 2, 8))
        const half = invRisk.plus(lnTerm).scale(1 / 2).round(8);
        const bidX = res.minus(half);
        const askX = res.plus(half);

        const bid = Number(interp.outputs[oBid]);
        const ask = Number(interp.outputs[oAsk]);
        expect(Number(interp.outputs[oValid])).toBe(1);
        const [bLo, bHi] = floorRange(bidX);
        const [aLo, aHi] = ceilRange(askX);
        expect(bid, `bid at t=${ev.t}: float ${bidX.v} ± ${bidX.e}`).toBeGreaterThanOrEqual(bLo);
        expect(bid, `bid at t=${ev.t}: float ${bidX.v} ± ${bidX.e}`).toBeLessThanOrEqual(bHi);
        expect(ask, `ask at t=${ev.t}: float ${askX.v} ± ${askX.e}`).toBeGreaterThanOrEqual(aLo);
        expect(ask, `ask at t=${ev.t}: float ${askX.v} ± ${askX.e}`).toBeLessThanOrEqual(aHi);
        expect(Number(interp.outputs[oBidQty])).toBe(orderQty);
        expect(Number(interp.outputs[oAskQty])).toBe(orderQty);
        quotes++;
        if (bid !== Math.floor(bidX.v) || ask !== Math.ceil(askX.v)) quotesOffFloat++;
        worstBound = Math.max(worstBound, bidX.e, askX.e);
        bounds.push(Math.max(bidX.e, askX.e));
      }
    }
    expect(quotes).toBeGreaterThan(5_000);
    // The bounds are sharp enough to mean something: most are under half a tick (so the quote is pinned
    // to one tick, or to two when the float value is that close to a tick boundary), none is over 5.
    // (A tick off the float quote is common here, and within the bounds: q keeps 4 fraction bits, a
    // 16th of 1,000 lots, which moves the skew by up to inv_risk / 32 ticks.)
    bounds.sort((a, b) => a - b);
    const median = bounds[bounds.length >> 1];
    const sharp = bounds.filter((b) => b < 0.5).length;
    expect(sharp).toBeGreaterThan(0.8 * quotes);
    expect(worstBound).toBeLessThan(5);
    console.info(
      `avellaneda: ${quotes} quotes, ${quotesOffFloat} a tick off the float quote; bound in ticks: median ${median.toExponential(2)}, ` +
        `${sharp} under 0.5, worst ${worstBound.toExponential(2)}; sigma2_bp bound <= ${worstSigmaBound.toExponential(2)} bp^2`,
    );
  });
});

describe("(d) examples/grid.lstep on random streams", () => {
  const { ir, text } = compile("examples/grid.lstep");

  it("still computes what the float model restates", () =>
    expectModelledLines(text, [
      "let skew = price(precision(skew_per_lot * value(position), 16))",
      "for level in [0, 3] {",
      "let offset = grid_step * (1 + level)",
      "let bid_px = floor_tick(mid - offset - skew)",
      "let ask_px = ceil_tick(mid + offset - skew)",
      "if position + order_qty > max_pos {",
      "quote level = level, bid = bid_px, ask = ask_px, bid_qty = 0, ask_qty = order_qty",
      "} else if position - order_qty < -max_pos {",
      "quote level = level, bid = bid_px, ask = ask_px, bid_qty = order_qty, ask_qty = 0",
      "quote level = level, bid = bid_px, ask = ask_px, qty = order_qty",
    ]));

  const LEVELS = [0, 1, 2, 3];
  const out = (name: string, level: number) => ir.outputs.findIndex((o) => o.name === (level ? `${name}_${level}` : name));
  const slotsOf = (level: number) => ["quote_valid", "quote_bid", "quote_ask", "quote_bid_qty", "quote_ask_qty"].map((n) => out(n, level));
  const posSlot = stateSlot(ir, "position");
  // the offsets grid_step * (1 + level) are derived slots; whole numbers, exact unless a slot is coarser
  const fOffset = derivedFrac(ir, "grid_step * (1 + level)");

  it("every quote is within its bound and the max-position guard picks the sides exactly", () => {
    const r = rng(77);
    let quotes = 0;
    let oneSided = 0;
    let worstBound = 0;
    for (let run = 0; run < 12; run++) {
      const base = baseWith(ir, {
        grid_step: int(r, 1, 200),
        skew_per_lot: r() < 0.2 ? 0 : logUniform(r, 1e-4, 1),
        order_qty: int(r, 1, 5_000),
        max_pos: int(r, 1, 40_000),
      });
      const interp = new Interpreter(ir, true);
      interp.reset(parameterVector(ir, base));
      const p = (n: string) => loaded(ir, base, n);
      const [gridStep, skewPerLot, orderQty, maxPos] = ["grid_step", "skew_per_lot", "order_qty", "max_pos"].map(p);
      let exactPosition = 0;
      const stream = marketStream(r, 1_500, run % 2 === 0 ? 300_000 : 5_000_000, 5, 4_000, 30_000);
      const edges = [maxPos - orderQty, maxPos - orderQty + 1, orderQty - maxPos, orderQty - maxPos - 1, 0];
      for (const ev of [...stream, ...edgeWalk(stream, edges, -1_000_000, 1_000_000)]) {
        expect(interp.step(ev.kind, ev.t, ev.a, ev.b, ev.c, ev.d)).toBe(true);
        if (ev.kind === EventKind.fill) exactPosition += ev.c * ev.b;
        expect(Number(interp.state[posSlot])).toBe(exactPosition);
        // the strategy reads position clamped to the declared [-1_000_000, 1_000_000]
        const position = Math.min(Math.max(exactPosition, -1_000_000), 1_000_000);
        if (ev.kind !== EventKind.book) continue;
        const mid = (ev.a + ev.c) / 2;
        // skew = price(precision(skew_per_lot * value(position), 16)): the product is exact at 32 bits
        // (skew_per_lot is fix<4.32>, position whole), then half-even to 16 bits.
        const skew = Approx.exact(skewPerLot).times(Approx.exact(position), 32).round(16);
        // The guard: a side whose fill would take |position| past max_pos is quoted with size 0.
        const longFull = position + orderQty > maxPos;
        const shortFull = !longFull && position - orderQty < -maxPos;
        for (const level of LEVELS) {
          const [oValid, oBid, oAsk, oBidQty, oAskQty] = slotsOf(level);
          const offset = Approx.exact(gridStep * (1 + level)).round(fOffset);
          const bidX = Approx.exact(mid).minus(offset).minus(skew);
          const askX = Approx.exact(mid).plus(offset).minus(skew);
          const [bLo, bHi] = floorRange(bidX);
          const [aLo, aHi] = ceilRange(askX);
          const bid = Number(interp.outputs[oBid]);
          const ask = Number(interp.outputs[oAsk]);
          expect(Number(interp.outputs[oValid])).toBe(1);
          expect(bid).toBeGreaterThanOrEqual(bLo);
          expect(bid).toBeLessThanOrEqual(bHi);
          expect(ask).toBeGreaterThanOrEqual(aLo);
          expect(ask).toBeLessThanOrEqual(aHi);
          expect(Number(interp.outputs[oBidQty])).toBe(longFull ? 0 : orderQty);
          expect(Number(interp.outputs[oAskQty])).toBe(shortFull ? 0 : orderQty);
          worstBound = Math.max(worstBound, bidX.e, askX.e);
        }
        // the layers are laid out outward: each bid below the previous, each ask above
        for (const level of LEVELS.slice(1)) {
          expect(Number(interp.outputs[slotsOf(level)[1]])).toBeLessThan(Number(interp.outputs[slotsOf(level - 1)[1]]));
          expect(Number(interp.outputs[slotsOf(level)[2]])).toBeGreaterThan(Number(interp.outputs[slotsOf(level - 1)[2]]));
        }
        quotes++;
        if (longFull || shortFull) oneSided++;
      }
    }
    expect(quotes).toBeGreaterThan(5_000);
    expect(oneSided).toBeGreaterThan(100); // the guard was exercised
    expect(oneSided).toBeLessThan(quotes - 100); // and so were two-sided quotes
    expect(worstBound).toBeLessThan(1e-4);
    console.info(`grid: ${quotes} quotes (${oneSided} one-sided), worst bound ${worstBound.toExponential(2)} ticks`);
  });
});

describe("(d) examples/glft.lstep on random streams", () => {
  const { ir, text } = compile("examples/glft.lstep");

  it("still computes what the float model restates", () =>
    expectModelledLines(text, [
      "state prev_mid : fix<26.1> = 0 in [0, 10_000_000]",
      "state var_mid : fix<8.28> = ewma(sq(precision(clamp(mid - price(prev_mid), -8, 8), 2)) * min(prev_mid, 1), halflife = vol_hl) in [0, 64]",
      "let v = precision(value(var_mid), 16)",
      "let sigma_update = precision(sqrt(min(v, 1)) + sqrt(max(v, 1)) - 1, 16)",
      "let sigma = precision(sigma_update * vol_scale, 16)",
      "let half_spread = precision(c1 + delta / 2 * c2 * sigma, 16)",
      "let skew = precision(c2 * sigma, 16)",
      "let q = precision(clamp(value(position) / value(order_qty), -1_000, 1_000), 8)",
      "let shift = price(skew * q)",
      "let bid_px = clamp(floor_tick(mid - price(half_spread) - shift), 1, bid)",
      "let ask_px = clamp(ceil_tick(mid + price(half_spread) - shift), ask, 10_000_000)",
      "if position >= max_pos {",
      "} else if position <= -max_pos {",
      "prev_mid = value(mid)",
    ]));

  const np = ir.params.length;
  const out = (name: string) => ir.outputs.findIndex((o) => o.name === name);
  const [oValid, oBid, oAsk, oBidQty, oAskQty] = ["quote_valid", "quote_bid", "quote_ask", "quote_bid_qty", "quote_ask_qty"].map(out);
  const slots = { position: stateSlot(ir, "position"), prevMid: stateSlot(ir, "prev_mid"), varMid: stateSlot(ir, "var_mid") };
  const varFrac = ir.state[slots.varMid].frac;
  const alphaText = "1 - 2^(-1/vol_hl)";
  const fAlpha = derivedFrac(ir, alphaText);
  const fC1 = derivedFrac(ir, letText(text, "c1"));
  const fC2 = derivedFrac(ir, letText(text, "c2"));
  const fHalfC2 = derivedFrac(ir, "delta / 2 * c2");

  /**
   * sqrt per event: tables of at most 1024 segments over [0, 1] and over [1, 64] (sigma_update splits
   * at 1). On a segment [a, a + h] the chord of a concave sqrt is off by at most sqrt(h) / 4 (the
   * worst case, a = 0) and by at most h^2 / 8 * |sqrt''(a)| = h^2 / (32 a^(3/2)); plus the roundings.
   */
  function sqrtTable(x: number, width: number): number {
    const h = (2 * width) / 1024;
    const a = Math.max(x - h, 0);
    const chord = a > 0 ? Math.min(Math.sqrt(h) / 4, (h * h) / (32 * a ** 1.5)) : Math.sqrt(h) / 4;
    return chord + 2 ** -33 + 2 ** -32 + 2 ** -33;
  }

  it("var_mid, and every quote and side, stay within their bounds", () => {
    const r = rng(4242);
    let quotes = 0;
    let oneSided = 0;
    let quotesOffFloat = 0;
    let worstBound = 0;
    let worstVarBound = 0;
    for (let run = 0; run < 12; run++) {
      // Realistic GLFT parameters (c2 near 1): with c2 in the hundreds, sigma's table error alone is
      // tens of ticks of skew per unit of q, and the check would say little.
      const g = logUniform(r, 0.01, 0.2);
      const base = baseWith(ir, {
        A: logUniform(r, 0.5, 20),
        k: logUniform(r, 0.01, 0.05),
        gamma: g,
        xi: r() < 0.5 ? g : logUniform(r, 0.02, 0.2),
        delta: 1 + r(),
        order_qty: int(r, 1, 100),
        max_pos: int(r, 50, 2_000),
        vol_hl: Math.round(logUniform(r, 16, 5_000)),
        vol_scale: 1 + r() * 9,
      });
      const pv = parameterVector(ir, base);
      const interp = new Interpreter(ir, true);
      interp.reset(pv);
      const p = (n: string) => loaded(ir, base, n);
      const [orderQty, maxPos, volHl, volScale] = ["order_qty", "max_pos", "vol_hl", "vol_scale"].map(p);
      const alpha = 1 - Math.pow(2, -1 / volHl);
      const eAlpha = halfUlp(fAlpha) + alpha * 2 ** -48;
      const { c1, c2 } = glftApprox(...(["A", "k", "gamma", "xi", "delta"].map((n) => Approx.exact(p(n))) as [Approx, Approx, Approx, Approx, Approx]));
      const delta = Approx.exact(p("delta"));
      const c1Slot = c1.round(fC1);
      const c2Slot = c2.round(fC2);
      const halfC2Slot = delta.scale(1 / 2).times(c2).round(fHalfC2);
      expect(Math.abs(Number(pv[np + derivedSlots(ir, alphaText)[0]]) / 2 ** fAlpha - alpha)).toBeLessThanOrEqual(eAlpha);

      let prevMid = 0;
      let varMid = 0;
      let eVar = 0;
      let exactPosition = 0;
      const stream = marketStream(r, 1_500, 600_000, 2, 50, maxPos);
      for (const ev of [...stream, ...edgeWalk(stream, [maxPos - 1, maxPos, 1 - maxPos, -maxPos, 0], -100_000, 100_000)]) {
        expect(interp.step(ev.kind, ev.t, ev.a, ev.b, ev.c, ev.d)).toBe(true);
        if (ev.kind === EventKind.fill) exactPosition += ev.c * ev.b;
        expect(Number(interp.state[slots.position])).toBe(exactPosition);
        // the strategy reads position clamped to the declared [-100_000, 100_000]
        const position = Math.min(Math.max(exactPosition, -100_000), 100_000);
        if (ev.kind !== EventKind.book) continue;
        const mid = (ev.a + ev.c) / 2;

        // var_mid = ewma(sq(precision(clamp(mid - prev_mid, -8, 8), 2)) * min(prev_mid, 1), ...) in [0, 64]:
        // the squared move is exact (whole half ticks at 2 bits); the EWMA step rounds down to 28 bits.
        const move = Math.min(Math.max(mid - prevMid, -8), 8);
        const x = prevMid > 0 ? move * move : 0;
        const next = Math.min(Math.max(varMid + (x - varMid) * alpha, 0), 64);
        // the difference x - var_mid spans 36 bits at 28 fraction bits: floored to 22 before the product
        eVar =
          (1 - alpha + eAlpha) * eVar +
          (alpha + eAlpha) * floorUlp(22) +
          eAlpha * Math.abs(x - varMid) +
          floorUlp(varFrac) +
          next * FLOAT_REL;
        varMid = next;
        prevMid = mid;
        expect(Number(interp.state[slots.prevMid]) / 2).toBe(mid);
        const varCompiled = Number(interp.state[slots.varMid]) / 2 ** varFrac;
        expect(Math.abs(varCompiled - varMid), `var_mid at t=${ev.t}`).toBeLessThanOrEqual(eVar);
        worstVarBound = Math.max(worstVarBound, eVar);

        // From the float var_mid (with its bound) to the quote.
        const v = new Approx(varMid, eVar).round(16); // precision(value(var_mid), 16)
        const lo = v.clamp(0, 1);
        const hi = v.clamp(1, 64);
        const sigmaUpdate = lo.sqrt(sqrtTable(lo.v, 1)).plus(hi.sqrt(sqrtTable(hi.v, 63))).minus(Approx.exact(1)).round(16);
        const sigma = sigmaUpdate.times(Approx.exact(volScale), 24).round(16); // vol_scale is fix<12.24>
        const halfSpread = c1Slot.plus(halfC2Slot.times(sigma, Math.max(fHalfC2, 16))).round(16);
        const skew = c2Slot.times(sigma, Math.max(fC2, 16)).round(16);
        const q = Approx.exact(position).div(Approx.exact(orderQty), 16).clamp(-1_000, 1_000).round(8);
        const shift = skew.times(q, 16);
        const bidX = Approx.exact(mid).minus(halfSpread).minus(shift);
        const askX = Approx.exact(mid).plus(halfSpread).minus(shift);
        // floor_tick / ceil_tick, then clamp(, 1, bid) and clamp(, ask, 10_000_000): never through the book.
        const [bLo, bHi] = floorRange(bidX).map((b) => Math.min(Math.max(b, 1), ev.a));
        const [aLo, aHi] = ceilRange(askX).map((a) => Math.max(Math.min(a, 10_000_000), ev.c));
        const bid = Number(interp.outputs[oBid]);
        const ask = Number(interp.outputs[oAsk]);
        expect(Number(interp.outputs[oValid])).toBe(1);
        expect(bid, `bid at t=${ev.t}: float ${bidX.v} ± ${bidX.e}`).toBeGreaterThanOrEqual(bLo);
        expect(bid, `bid at t=${ev.t}: float ${bidX.v} ± ${bidX.e}`).toBeLessThanOrEqual(bHi);
        expect(ask, `ask at t=${ev.t}: float ${askX.v} ± ${askX.e}`).toBeGreaterThanOrEqual(aLo);
        expect(ask, `ask at t=${ev.t}: float ${askX.v} ± ${askX.e}`).toBeLessThanOrEqual(aHi);
        expect(bid).toBeLessThanOrEqual(ev.a);
        expect(ask).toBeGreaterThanOrEqual(ev.c);
        // Past max_pos only the side that reduces the position is quoted.
        const longFull = position >= maxPos;
        const shortFull = !longFull && position <= -maxPos;
        expect(Number(interp.outputs[oBidQty])).toBe(longFull ? 0 : orderQty);
        expect(Number(interp.outputs[oAskQty])).toBe(shortFull ? 0 : orderQty);
        quotes++;
        if (longFull || shortFull) oneSided++;
        const floatBid = Math.min(Math.max(Math.floor(bidX.v), 1), ev.a);
        const floatAsk = Math.max(Math.min(Math.ceil(askX.v), 10_000_000), ev.c);
        if (bid !== floatBid || ask !== floatAsk) quotesOffFloat++;
        worstBound = Math.max(worstBound, bidX.e, askX.e);
      }
    }
    expect(quotes).toBeGreaterThan(5_000);
    expect(oneSided).toBeGreaterThan(100);
    expect(oneSided).toBeLessThan(quotes - 100);
    expect(worstBound).toBeLessThan(0.5);
    console.info(
      `glft: ${quotes} quotes (${oneSided} one-sided), ${quotesOffFloat} a tick off the float quote, worst bound ` +
        `${worstBound.toExponential(2)} ticks; var_mid bound <= ${worstVarBound.toExponential(2)} ticks^2`,
    );
  });
});
