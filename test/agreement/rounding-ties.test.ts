import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/pipeline.js";
import { loadable } from "../../targets/agreement/run-agreement.js";
import { Probe } from "../../targets/agreement/probe.js";
import { Prng } from "../../targets/agreement/prng.js";
import { doubleRoundings, onEdge, tieCases, tieOperands, withRounding } from "../../targets/agreement/rounding-ties.js";
import { Scenarios } from "../../targets/agreement/scenarios.js";

const floorDiv = (x: bigint, d: bigint) => (x >= 0n ? x / d : -((-x + d - 1n) / d));

describe("rounding edges: a product rounded twice, solved onto the second rounding's edge", () => {
  it("every operand tieOperands returns makes the product inexact with its rounded value on an edge residue", () => {
    const rng = new Prng(7);
    let checked = 0;
    for (let k = 0; k < 80; k++) {
      const a = rng.big(1n, 1n << 40n);
      const shift = rng.int(1, 12);
      const n = rng.int(1, 18);
      const [lo, hi] = [0n, 1n << 30n];
      const near = rng.big(lo, hi);
      const top = 1n << BigInt(n);
      for (const mode of ["floor", "ceil", "half_even"] as const) {
        // half-even: mod 2^(n + 1), so that the quotient's parity (where the tie goes) is right too
        const half = top / 2n;
        const mod = mode === "half_even" ? 2n * top : top;
        const edges = { floor: [0n, top - 1n], ceil: [0n, 1n], half_even: [top + half - 1n, half, top + half, half + 1n] }[mode];
        for (const b of tieOperands(a, shift, n, mode, lo, hi, near)) {
          const p = a * b;
          expect(b >= lo && b <= hi).toBe(true);
          expect(p % (1n << BigInt(shift))).not.toBe(0n);
          const y = floorDiv(p, 1n << BigInt(shift));
          expect(edges).toContain(((y % mod) + mod) % mod);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(200);
  });

  it("on avellaneda, puts precision(s2 * m, 16) on its edge where another rounding of the product changes a quote", () => {
    const path = "examples/avellaneda.lstep";
    const ir = compileSource(path, readFileSync(path, "utf8")).ir!;
    const pairs = doubleRoundings(ir);
    expect(pairs.length).toBeGreaterThan(0);
    const cases = tieCases(ir, new Scenarios(ir, new Prng(1)));
    expect(cases.length).toBeGreaterThan(0);
    let shown = 0;
    for (const c of cases) {
      const probe = new Probe(ir, loadable(ir, c.base)!, c.stream.slice(0, -1));
      const last = c.stream[c.stream.length - 1];
      const ev = probe.evaluate([last])!;
      expect(ev.accepted).toBe(true);
      const pair = pairs.find((d) => c.label.endsWith(`#${d.product}`))!;
      const h = ir.handlers[pair.handler];
      expect(onEdge(h, pair, ev.values)).toBe(true);
      // the product rounded up instead: one LSB more, and a quote or state write differs
      const ceil = probe.evaluate([last], withRounding(ir, pair, "ceil"))!;
      if (ceil.values[pair.product] !== ev.values[pair.product] && h.outputs.some((o) => ceil.values[o.value] !== ev.values[o.value])) shown++;
    }
    expect(shown).toBeGreaterThan(0);
  });
});
