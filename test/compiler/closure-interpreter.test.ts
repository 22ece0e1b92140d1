import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ClosureInterpreter, compileHandler, evaluateNumbers, runCompiled } from "../../compiler/closure-interpret.js";
import { evaluate, Interpreter } from "../../compiler/interpret.js";
import type { Handler, Instr, Interval, IrProgram, Op, Rounding } from "../../compiler/ir.js";
import { compileFile } from "../../cli/read-source.js";

/**
 * The closure interpreter is a second evaluation of the IR; the BigInt interpreter is the definition.
 * Each op is run on both, on operands drawn across its proven interval (small intervals take the
 * double path of mul and div, wide ones the BigInt path), and the values must be identical; a value
 * that leaves its interval must be reported identically.
 */

const iv = (lo: bigint, hi: bigint): Interval => ({ lo, hi });
const WIDE = iv(-(2n ** 52n) + 1n, 2n ** 52n - 1n);

/** A handler reading fields a and b (with the given intervals) and applying `op` to them. */
function handlerOf(op: Op, a: Interval, b: Interval, result: Interval = WIDE): Handler {
  const ins = (id: number, o: Op, range: Interval): Instr => ({ ...o, id, frac: 0, range, loc: "test:1:1" }) as Instr;
  return {
    event: "book",
    inputs: [
      { field: "a", name: "a", range: a },
      { field: "b", name: "b", range: b },
    ],
    body: [ins(0, { op: "input", field: "a" }, a), ins(1, { op: "input", field: "b" }, b), ins(2, op, result), ins(3, { op: "const", value: 1n }, iv(1n, 1n))],
    guard: 3,
    writes: [],
    outputs: [],
    functions: [],
  };
}

const programOf = (h: Handler): IrProgram =>
  ({ name: "T", sourcePath: "t.lstep", params: [], derived: [], state: [], outputs: [], luts: [{ name: "t", values: [5n, -7n, 2n ** 50n], frac: 0, maxError: 0, description: "" }], handlers: [h], notes: [], sourceLines: [] }) as unknown as IrProgram;

/**
 * Both evaluations of the handler's op on (x, y); the closure's value as a BigInt. A result outside the
 * op's interval (53 bits) must be caught as an escape, and then only that is compared.
 */
function both(h: Handler, x: bigint, y: bigint): [bigint, bigint] {
  const program = programOf(h);
  const exact = evaluate(h, { t: 0n, a: x, b: y, c: 0n, d: 0n }, [], [], program)[2];
  const v = new Float64Array(h.body.length);
  const escaped = runCompiled(compileHandler(program, h), v, Float64Array.of(0, Number(x), Number(y), 0, 0), new Float64Array(0), new Float64Array(0));
  const inside = exact >= h.body[2].range.lo && exact <= h.body[2].range.hi;
  expect(escaped).toBe(inside ? -1 : 2);
  return [exact, inside ? BigInt(v[2]) : exact];
}

const ROUNDINGS: Rounding[] = ["floor", "ceil", "half_even"];
const within = (r: Interval) => fc.oneof(fc.bigInt({ min: r.lo, max: r.hi }), fc.constantFrom(r.lo, r.hi, 0n, 1n, -1n).filter((v) => v >= r.lo && v <= r.hi));

/** Operand intervals: small (the double path) and wide (the BigInt path of mul and div). */
const SMALL = iv(-(2n ** 24n), 2n ** 24n);
const MEDIUM = iv(-(2n ** 40n), 2n ** 40n);

function agrees(op: Op, a: Interval, b: Interval, runs = 400): void {
  const h = handlerOf(op, a, b);
  fc.assert(
    fc.property(within(a), within(b), (x, y) => {
      const [exact, fast] = both(h, x, y);
      expect(fast).toBe(exact);
    }),
    { numRuns: runs, seed: 7 },
  );
}

describe("the closure interpreter agrees with the BigInt interpreter op by op", () => {
  it("add, sub, min, max, neg, abs, not, and, or, select, clamp, cmp", () => {
    for (const op of ["add", "sub", "min", "max", "and", "or"] as const) agrees({ op, a: 0, b: 1 }, WIDE, iv(-(2n ** 40n), 2n ** 40n));
    for (const op of ["neg", "abs", "not"] as const) agrees({ op, a: 0 }, WIDE, SMALL);
    for (const pred of ["lt", "le", "eq", "ne"] as const) agrees({ op: "cmp", pred, a: 0, b: 1 }, iv(-3n, 3n), iv(-3n, 3n), 100);
    agrees({ op: "select", cond: 0, a: 0, b: 1 }, iv(-1n, 1n), SMALL, 100);
    agrees({ op: "clamp", a: 0, lo: -5n, hi: 9n }, iv(-20n, 20n), SMALL, 100);
  });

  it("mul with every rounding and shift, on the double path and the BigInt path", () => {
    for (const round of ROUNDINGS)
      for (const shift of [0, 1, 3, 17, 30]) {
        agrees({ op: "mul", a: 0, b: 1, shift, round }, SMALL, SMALL, 150);
        agrees({ op: "mul", a: 0, b: 1, shift, round }, MEDIUM, MEDIUM, 150);
      }
  });

  it("div (negative divisors too), mod, shl, shr with every rounding", () => {
    for (const shift of [0, 4, 20]) {
      agrees({ op: "div", a: 0, b: 1, shift }, SMALL, iv(-(2n ** 20n), -1n), 200);
      agrees({ op: "div", a: 0, b: 1, shift }, SMALL, iv(1n, 2n ** 30n), 200);
      agrees({ op: "div", a: 0, b: 1, shift }, iv(-(2n ** 45n), 2n ** 45n), iv(1n, 2n ** 50n), 200);
    }
    agrees({ op: "mod", a: 0, b: 1 }, WIDE, iv(1n, 2n ** 40n));
    agrees({ op: "shl", a: 0, n: 7 }, iv(-(2n ** 40n), 2n ** 40n), SMALL, 100);
    for (const round of ROUNDINGS) for (const n of [1, 2, 13, 40]) agrees({ op: "shr", a: 0, n, round }, WIDE, SMALL, 150);
  });

  it("ties: products and shifts exactly halfway round the same way", () => {
    for (const round of ROUNDINGS) {
      const h = handlerOf({ op: "mul", a: 0, b: 1, shift: 4, round }, SMALL, SMALL);
      for (const [x, y] of [[8n, 1n], [24n, 1n], [-8n, 1n], [-24n, 1n], [3n, 8n], [-5n, 8n], [1n, 1n], [-1n, 1n]]) {
        const [exact, fast] = both(h, x, y);
        expect(fast).toBe(exact);
      }
    }
  });

  it("lut reads the table of the program it is given (a variant with an edited entry too)", () => {
    const h = handlerOf({ op: "lut", table: 0, index: 0 }, iv(0n, 2n), SMALL);
    for (const i of [0n, 1n, 2n]) expect(both(h, i, 0n)[1]).toBe(both(h, i, 0n)[0]);
    const program = programOf(h);
    const bumped = { ...program, luts: [{ ...program.luts[0], values: [6n, -7n, 2n ** 50n] }] };
    expect(evaluateNumbers(bumped, h, [0, 0, 0, 0, 0], [], [])[2]).toBe(6);
    expect(evaluateNumbers(program, h, [0, 0, 0, 0, 0], [], [])[2]).toBe(5);
  });
});

describe("a value that leaves its proven interval", () => {
  const h = handlerOf({ op: "add", a: 0, b: 1 }, iv(0n, 10n), iv(0n, 10n), iv(0n, 15n));
  const program = programOf(h);

  it("is reported by the closure interpreter exactly as by the checked BigInt interpreter", () => {
    const exact = new Interpreter(program, true);
    const fast = new ClosureInterpreter(program);
    exact.reset([]);
    fast.reset([]);
    expect(fast.step(0, 0, 3, 4, 0, 0)).toBe(exact.step(0, 0, 3, 4, 0, 0));
    const message = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof RangeError ? e.message : `not a RangeError: ${String(e)}`;
      }
      return "no error";
    };
    const want = message(() => exact.step(0, 0, 9, 9, 0, 0));
    expect(want).toContain("escapes its proven range");
    expect(message(() => fast.step(0, 0, 9, 9, 0, 0))).toBe(want);
  });

  it("unchecked (the probe's evaluation) falls back to the definition", () => {
    const exact = evaluate(h, { t: 0n, a: 9n, b: 9n, c: 0n, d: 0n }, [], [], program);
    expect(exact[2]).toBe(18n);
    expect(evaluateNumbers(program, h, [0, 9, 9, 0, 0], [], [])).toEqual(Float64Array.from(exact, Number));
  });
});

describe("on the examples", () => {
  it("every value of every handler on events across each field's range equals the definition's", () => {
    for (const name of ["avellaneda", "glft", "grid", "breakout"]) {
      const c = compileFile(`examples/${name}.lstep`);
      if ("error" in c || !c.ir) throw new Error(`examples/${name}.lstep does not compile`);
      const ir = c.ir;
      const params = [...ir.params.map((p) => p.default)];
      const vector = [...params, ...ir.derived.map((d) => d.range.lo)];
      for (const h of ir.handlers) {
        const field = (f: string) => h.inputs.find((i) => i.field === f)?.range ?? iv(0n, 0n);
        fc.assert(
          fc.property(within(field("t")), within(field("a")), within(field("b")), within(field("c")), within(field("d")), (t, a, b, cc, d) => {
            const state = ir.state.map((s) => s.init);
            const exact = evaluate(h, { t, a, b, c: cc, d }, vector, state, ir);
            const v = new Float64Array(h.body.length);
            const escaped = runCompiled(compileHandler(ir, h), v, Float64Array.from([t, a, b, cc, d], Number), Float64Array.from(vector, Number), Float64Array.from(state, Number));
            expect(escaped).toBe(-1);
            expect([...v].map(BigInt)).toEqual(exact);
          }),
          { numRuns: 150, seed: 11 },
        );
      }
    }
  });
});
