import { describe, expect, it } from "vitest";
import { Interpreter } from "../../compiler/interpret.js";
import { roundDiv } from "../../compiler/interval.js";
import type { Instr, Interval, IrProgram, Rounding } from "../../compiler/ir.js";
import { emitTypeScript } from "../../targets/ts/emit-ts.js";
import { loadTsModule } from "../../targets/ts/load-module.js";
import { emitWasm } from "../../targets/wasm/emit-wasm.js";
import { loadWasm } from "../../targets/wasm/load-wasm.js";

/**
 * Each range-driven lowering rule (targets/ts/lower-op.ts, targets/wasm/emit-wasm.ts) holds only under
 * its proof obligation on the operands' ranges. Here each rule is compiled from a one-op program whose
 * ranges sit exactly at the obligation's edge (and one past it, where the other rule takes over), and
 * run on values at 2^31, 2^51, 2^53 and the exact ties around them, in TypeScript and WebAssembly,
 * against the interpreter.
 */
const P = (n: number) => 2n ** BigInt(n);
const sym = (n: bigint): Interval => ({ lo: -n, hi: n });
const MODES: Rounding[] = ["floor", "ceil", "half_even"];

function rounded(r: Interval, n: number, mode: Rounding): Interval {
  return { lo: roundDiv(r.lo, P(n), mode), hi: roundDiv(r.hi, P(n), mode) };
}

function productRange(a: Interval, b: Interval): Interval {
  const c = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi];
  return { lo: c.reduce((x, y) => (y < x ? y : x)), hi: c.reduce((x, y) => (y > x ? y : x)) };
}

/** A program with one book handler: inputs a and b in their ranges, one op on them, its value the only output. */
function oneOp(a: Interval, b: Interval, op: (x: number, y: number) => Omit<Instr, "id" | "loc" | "frac">): IrProgram {
  const loc = "edge.lstep:1:1";
  const body: Instr[] = [
    { id: 0, op: "input", field: "a", frac: 0, range: a, loc },
    // a one-value range is a constant (a divisor known when compiling)
    b.lo === b.hi ? { id: 1, op: "const", value: b.lo, frac: 0, range: b, loc } : { id: 1, op: "input", field: "b", frac: 0, range: b, loc },
    { id: 2, op: "const", value: 1n, frac: 0, range: { lo: 1n, hi: 1n }, loc },
    { ...op(0, 1), id: 3, frac: 0, loc } as Instr,
  ];
  return {
    name: "Edge",
    sourcePath: "edge.lstep",
    instrument: { name: "E", tick: { num: 1n, den: 1n }, lot: { num: 1n, den: 1n } } as unknown as IrProgram["instrument"],
    params: [],
    derived: [],
    state: [],
    outputs: [{ name: "out", frac: 0, range: body[3].range, unit: "" }],
    luts: [],
    handlers: [
      {
        event: "book",
        inputs: [
          { field: "a", name: "a", range: a },
          { field: "b", name: "b", range: b },
        ],
        body,
        guard: 2,
        writes: [],
        outputs: [{ slot: 0, value: 3 }],
        functions: [],
      },
    ],
    notes: [],
    sourceLines: ["edge"],
  };
}

/** Runs the program on every (a, b) pair in TypeScript, WebAssembly (step and batch) and the interpreter. */
async function agree(program: IrProgram, pairs: readonly (readonly [bigint, bigint])[]): Promise<string> {
  const source = await emitTypeScript(program);
  const ts = new (await loadTsModule(source)).Engine();
  const built = await emitWasm(program);
  const wasm = await loadWasm(built.wasm);
  const reference = new Interpreter(program, true);
  ts.reset([]);
  wasm.reset([]);
  reference.reset([]);
  const rows = new Float64Array(pairs.length * 6);
  pairs.forEach(([a, b], i) => rows.set([0, i, Number(a), Number(b), 0, 0], i * 6));
  const batch = new Float64Array(pairs.length);
  ts.stepBatch(rows, 0, pairs.length, batch);
  wasm.stepBatch(rows, 0, pairs.length);
  // -0 is the integer 0 (a ceil of a small negative quotient gives it): compare integers, as the harness does
  const int = (x: number) => x + 0;
  pairs.forEach(([a, b], i) => {
    expect(reference.step(0, i, Number(a), Number(b), 0, 0), `${a}, ${b}`).toBe(true);
    const want = Number(reference.outputs[0]);
    expect(ts.step(0, i, Number(a), Number(b), 0, 0)).toBe(true);
    expect(int(ts.outputs[0]), `ts step: ${a}, ${b}`).toBe(want);
    expect(int(batch[i]), `ts stepBatch: ${a}, ${b}`).toBe(want);
    expect(wasm.step(0, i, Number(a), Number(b), 0, 0)).toBe(true);
    expect(int(wasm.outputs[0]), `wasm step: ${a}, ${b}`).toBe(want);
    expect(int(wasm.batchOutputs[i]), `wasm step_batch: ${a}, ${b}`).toBe(want);
  });
  return source + built.wat;
}

/** x and its neighbours, and the ties of a shift by n around it (odd and even quotients), clipped to r. */
function around(xs: readonly bigint[], n: number, r: Interval): bigint[] {
  const out = new Set<bigint>();
  const h = n > 0 ? P(n - 1) : 0n;
  for (const x of xs)
    for (const d of [-1n, 0n, 1n, h, -h, h + P(n), -h - P(n), h - 1n, h + 1n]) {
      const y = x - (x % P(n)) + d;
      for (const z of [x + d, y]) if (z >= r.lo && z <= r.hi) out.add(z);
    }
  return [...out];
}

const shr = (range: Interval, n: number, round: Rounding) =>
  oneOp(range, { lo: 0n, hi: 0n }, (x) => ({ op: "shr", a: x, n, round, range: rounded(range, n, round) }));

describe("lowering rules at the edges of their proof obligations agree with the interpreter", () => {
  it("shifts: int32 >> at 2^31, scaling past it, the half-even constant up to |x / 2^n| < 2^51 and the parity test past it", async () => {
    const cases: [Interval, number, string][] = [
      [{ lo: -P(31), hi: P(31) - 1n }, 3, "int32"], // x >> n: exactly the int32 range
      [{ lo: -P(31) - 1n, hi: P(31) }, 3, "past int32"],
      [sym(P(52) - 1n), 1, "|x / 2| < 2^51"], // the half-even constant's bound, met
      [sym(P(53) - 1n), 1, "|x / 2| < 2^52"], // ... and missed: quotient, remainder, parity
      [sym(P(53) - 1n), 2, "|x / 4| < 2^51"],
    ];
    for (const [range, n, label] of cases)
      for (const round of MODES) {
        const xs = around([range.lo, range.hi, P(31), -P(31), P(51), -P(51), P(52), -P(52), 0n], n, range);
        const text = await agree(shr(range, n, round), xs.map((x) => [x, 0n] as const));
        if (round === "half_even") expect(text.includes("6755399441055744"), label).toBe(range.hi < P(n + 51));
        if (round === "floor") expect(/ >> 3;/.test(text), label).toBe(label === "int32");
      }
  }, 120_000);

  it("products: one product below 2^53, the guarded fast path around 2^53 (and 2^52 for a half-even by 2), limbs past it", async () => {
    const cases: [Interval, Interval, number][] = [
      [sym(P(26)), sym(P(26) + 1n), 4], // proven below 2^53: one product
      [sym(P(27)), sym(P(26)), 1], // up to 2^53: guarded at 2^52 for half-even by 2
      [sym(P(31)), sym(P(31)), 20], // up to 2^62: guarded at 2^53
    ];
    for (const [ra, rb, shift] of cases)
      for (const round of MODES) {
        const range = rounded(productRange(ra, rb), shift, round);
        const program = oneOp(ra, rb, (a, b) => ({ op: "mul", a, b, shift, round, range }));
        const pairs: [bigint, bigint][] = [];
        // products at 2^53 and 2^52 and one either side, ties among them, and the corners
        for (const target of [P(53), P(52), P(31), -P(53), -P(52)])
          for (const a of [P(27), P(26), 3n * P(24), P(26) + 1n, P(26) + 2n, 3n, -P(27), 1n])
            for (const db of [-2n, -1n, 0n, 1n, 2n]) {
              const b = target / a + db;
              if (a >= ra.lo && a <= ra.hi && b >= rb.lo && b <= rb.hi) pairs.push([a, b]);
            }
        for (const a of [ra.lo, ra.hi]) for (const b of [rb.lo, rb.hi]) pairs.push([a, b]);
        pairs.push([3n * P(shift - 1 >= 0 ? shift - 1 : 0), 1n], [P(shift) + P(shift - 1 >= 0 ? shift - 1 : 0), 1n]);
        const text = await agree(program, pairs.filter(([a, b]) => a >= ra.lo && a <= ra.hi && b >= rb.lo && b <= rb.hi));
        expect(text.includes("mulShr("), `${ra.hi} * ${rb.hi}`).toBe(ra.hi * rb.hi + 1n > P(53));
      }
  }, 120_000);

  it("WebAssembly rounding by adding before the shift, and its fallback when the addition could overflow 2^63", async () => {
    const edge = 3037000499n; // floor(sqrt(2^63)): the product's range ends 2^32.5 below 2^63
    const cases: [Interval, number][] = [
      [{ lo: 0n, hi: edge }, 30], // hi + 2^30 fits: the added forms
      [{ lo: 0n, hi: edge }, 40], // hi + 2^39 does not: quotient and dropped bits
    ];
    for (const [r, shift] of cases)
      for (const round of MODES) {
        const range = rounded(productRange(r, r), shift, round);
        const program = oneOp(r, r, (a, b) => ({ op: "mul", a, b, shift, round, range }));
        const pairs: [bigint, bigint][] = [
          [edge, edge],
          [edge - 1n, edge],
          [3n * P(20), P(shift - 21)], // 3 * 2^(shift-1): a tie with an odd quotient
          [P(20), P(shift - 21)], // 2^(shift-1): a tie with an even quotient
          [P(20) + 1n, P(shift - 21)],
          [0n, 0n],
          [1n, 1n],
        ];
        await agree(program, pairs);
      }
  }, 120_000);

  it("division by a constant as a product with its reciprocal rounded up, for dividends in [0, 2^50); a quotient past it", async () => {
    for (const d of [3n, 7n, 49n, 10_000n, 1_000_000_000n, 2n ** 48n + 1n])
      for (const top of [P(50) - 1n, P(50)]) {
        const ra = { lo: 0n, hi: top };
        const rb = { lo: d, hi: d };
        const program = oneOp(ra, rb, (a, b) => ({ op: "div", a, b, shift: 0, range: { lo: 0n, hi: top / d } }));
        const xs = new Set<bigint>([0n, 1n, d - 1n, d, d + 1n, top, top - 1n]);
        // exact multiples of d (where a reciprocal rounded down would floor one too low) and their neighbours near the top
        // (49 * 16059370621860 times 1/49 rounded to nearest, not up, is a hair below the quotient: its floor is one short)
        for (const k of [top / d, top / d - 1n, P(25), P(40) / d, 16059370621860n]) for (const e of [-1n, 0n, 1n]) xs.add(k * d + e);
        const text = await agree(program, [...xs].filter((x) => x >= 0n && x <= top).map((x) => [x, d] as const));
        expect(/Math\.floor\(\w+ \/ \d+\)/.test(text), `division by ${d} up to ${top}`).toBe(top >= P(50));
      }
  }, 120_000);

  it("divisions: unsigned when both are non-negative, signed with one correction for a positive divisor", async () => {
    for (const ra of [{ lo: 0n, hi: P(52) }, sym(P(52))]) {
      const rb = { lo: 1n, hi: P(31) };
      const program = oneOp(ra, rb, (a, b) => ({ op: "div", a, b, shift: 0, range: { lo: ra.lo, hi: ra.hi } }));
      const pairs: [bigint, bigint][] = [];
      for (const a of [ra.lo, ra.hi, 0n, 1n, -1n, P(31), -P(31) - 1n, 7n, -7n]) for (const b of [1n, 2n, 3n, P(31) - 1n, P(31)]) pairs.push([a, b]);
      await agree(program, pairs.filter(([a]) => a >= ra.lo && a <= ra.hi));
      const mod = oneOp(ra, rb, (a, b) => ({ op: "mod", a, b, range: { lo: 0n, hi: rb.hi - 1n } }));
      await agree(mod, pairs.filter(([a]) => a >= ra.lo && a <= ra.hi));
    }
  }, 120_000);
});
