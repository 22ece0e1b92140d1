import { describe, expect, it } from "vitest";
import { ParameterError, parameterVector } from "../../compiler/derived-eval.js";
import { compileSource } from "../../compiler/pipeline.js";
import { interpreterEngine } from "../../targets/agreement/engine.js";
import { runStream } from "../../targets/agreement/run-agreement.js";

const SOURCE = `
instrument X { tick = 1 lot = 1 multiplier = 1 price in [1, 1000] ticks qty in [0, 100] lots }
params {
  a : fix<8.16> = 2 in [0, 100]
  b : fix<8.16> = 3 in [0, 100]
}
strategy S on X {
  state out : fix<8.20> = 0
  on book {
    # a * b reaches 10,000 over the declared ranges; the author declares it stays below 128
    let ab : fix<8.20> = a * b / 2
    out = sat(ab)
    quote bid = bid, ask = ask, qty = 1
  }
}`;

describe("a typed let on parameters only declares a checked derived parameter", () => {
  const c = compileSource("declared.lstep", SOURCE);

  it("compiles, with the declared format and a load-time check", () => {
    expect(c.diagnostics.errors()).toEqual([]);
    const d = c.ir!.derived.find((x) => x.name === "ab")!;
    expect(d).toMatchObject({ frac: 20, checked: true });
    expect(d.range).toEqual({ lo: -(2n ** 27n), hi: 2n ** 27n - 1n });
  });

  it("computes it exactly once per load and refuses a parameter set that breaks the range", () => {
    const ir = c.ir!;
    const ok = parameterVector(ir, [2n << 16n, 3n << 16n]);
    expect(ok[ir.params.length + ir.derived.findIndex((x) => x.name === "ab")]).toBe(3n << 20n);
    expect(() => parameterVector(ir, [100n << 16n, 100n << 16n])).toThrow(ParameterError);
    expect(() => parameterVector(ir, [100n << 16n, 100n << 16n])).toThrow(/outside its declared range/);
  });

  it("the agreement harness skips refused sets and reloads instead of failing", () => {
    const ir = c.ir!;
    const reference = interpreterEngine(ir);
    const other = interpreterEngine(ir);
    const book = { kind: 0, t: 1, a: 10, b: 1, c: 12, d: 1 };
    expect(runStream(ir, [100n << 16n, 100n << 16n], [book], reference, [other])).toBeUndefined();
    const reload = { kind: -1, t: 0, a: 0, b: 0, c: 0, d: 0, params: [100n << 16n, 100n << 16n] };
    expect(runStream(ir, [2n << 16n, 3n << 16n], [reload, { ...book, t: 2 }], reference, [other])).toBeUndefined();
    expect(reference.state(ir.state.findIndex((s) => s.name === "out"))).toBe(3n << 20n);
  });
});
