import { describe, expect, it } from "vitest";
import { compileFile } from "../../cli/read-source.js";
import { evalDerived, ParameterError, parameterVector, quantize } from "../../compiler/derived-eval.js";
import * as X from "../../compiler/exact-math.js";
import { Prng } from "../../targets/agreement/prng.js";

/**
 * The parameter loader skips lowest terms (X.lazy); the value it rounds must be the one the reduced
 * arithmetic gives, on every example and on parameter sets across the declared ranges.
 */
describe("derived parameters without lowest terms", () => {
  it("a whole exponent written as a fraction (4/2) is still a whole exponent", () => {
    expect(X.pow(X.rat(3n), { n: 4n, d: 2n })).toEqual(X.rat(9n));
    expect(X.lazy.div(X.rat(6n), X.rat(4n))).toEqual({ n: 6n, d: 4n });
  });

  it("load the same raw values as the reduced evaluation, on 300 parameter sets per example", () => {
    for (const name of ["avellaneda", "glft", "grid", "breakout"]) {
      const c = compileFile(`examples/${name}.lstep`);
      if ("error" in c || !c.ir) throw new Error(`examples/${name}.lstep does not compile`);
      const ir = c.ir;
      const rng = new Prng(17);
      for (let k = 0; k < 300; k++) {
        const raw = ir.params.map((p) => (k === 0 ? p.default : rng.big(p.range.lo, p.range.hi)));
        const base = ir.params.map((p, i) => X.rat(raw[i], 1n << BigInt(p.frac)));
        const derived: X.Rational[] = [];
        const want: bigint[] = [...raw];
        let refused = false;
        for (const d of ir.derived) {
          const q = quantize(evalDerived(d.expr, base, derived), d.frac);
          if (d.checked && (q < d.range.lo || q > d.range.hi)) refused = true;
          const v = q < d.range.lo ? d.range.lo : q > d.range.hi ? d.range.hi : q;
          want.push(v);
          derived.push(X.rat(v, 1n << BigInt(d.frac)));
        }
        if (refused) expect(() => parameterVector(ir, raw)).toThrow(ParameterError);
        else expect(parameterVector(ir, raw)).toEqual(want);
      }
    }
  });
});
