import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/pipeline.js";
import { interpreterEngine, type TargetEngine } from "../../targets/agreement/engine.js";
import { loadTarget, SOFTWARE_TARGETS } from "../../targets/agreement/load-targets.js";
import { describeStep, runStream } from "../../targets/agreement/run-agreement.js";
import { baseParams, eventStream } from "../../targets/agreement/streams.js";

/**
 * The examples exercise some ops and rounding modes; random expressions exercise all of them: every
 * arithmetic op, floor/ceil/half-even, wide products, divisions with negative operands, tables for
 * ln/exp/sqrt, selects. Each program that compiles must run identically on every target.
 */
const leaf = fc.constantFrom("value(bid)", "value(ask_qty)", "value(position)", "a", "b", "c", "3", "0.5", "-2", "0.1", "value(mid)", "ceil(a * b)");

const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.tuple(fc.constantFrom("-(%)", "abs(%)", "floor(%)", "ceil(%)", "round(%)", "sq(%)", "precision(%, 3)", "precision(%, 12)", "ln(abs(%) + 1)", "exp(clamp(%, -4, 4))", "sqrt(abs(%))"), tie("e")).map(([f, x]) => f.replace("%", x)),
    fc
      .tuple(fc.constantFrom("(% + #)", "(% - #)", "(% * #)", "(% / (abs(#) + 1))", "min(%, #)", "max(%, #)", "select(% < #, %, #)", "select(% == #, #, %)"), tie("e"), tie("e"))
      .map(([f, x, y]) => f.replaceAll("%", x).replaceAll("#", y)),
  ),
})).e;

const program = (x: string) => `
instrument T { tick = 0.01 lot = 1 multiplier = 1 price in [1, 100_000] ticks qty in [0, 1_000] lots position in [-1_000, 1_000] lots }
params {
  a : fix<8.16> = 1.5 in [-4, 4]
  b : fix<12.8> = 7 in [0.5, 100]
  c : int = -3 in [-1_000, 1_000]
}
strategy Random on T {
  state out : fix<30.20> = 0
  on book {
    out = sat(precision(${x}, 20))
    quote bid = bid, ask = ask, qty = 1
  }
  on trade {
    out = sat(precision(${x} + value(trade_qty), 20))
  }
}`;

describe("random programs: every op and rounding mode agrees across targets", () => {
  it("on 40 random expressions that compile, 150 streams each", async () => {
    const samples = fc.sample(expr.filter((s) => s.length < 400), { numRuns: 400, seed: 424242 });
    let compiled = 0;
    let streams = 0;
    const ops = new Set<string>();
    for (const x of samples) {
      if (compiled >= 40) break;
      const c = compileSource("random.lstep", program(x));
      if (!c.ir) continue;
      compiled++;
      for (const h of c.ir.handlers) for (const ins of h.body) ops.add(ins.op === "mul" || ins.op === "shr" ? `${ins.op}/${ins.round}` : ins.op);
      const targets: TargetEngine[] = [];
      for (const t of SOFTWARE_TARGETS) {
        const e = await loadTarget(c.ir, t, { kind: "fresh" });
        if ("error" in e) throw new Error(e.error);
        targets.push(e);
      }
      const reference = interpreterEngine(c.ir);
      const cases = fc.sample(fc.tuple(baseParams(c.ir), eventStream(c.ir, 25)), { numRuns: 150, seed: compiled });
      for (const [base, stream] of cases) {
        streams++;
        const d = runStream(c.ir, base, stream, reference, targets);
        if (d) throw new Error(`expression ${x}: ${d.target} ${d.what} is ${d.actual}, reference ${d.expected}, after ${describeStep(stream[d.step])}`);
      }
    }
    expect(compiled).toBe(40);
    expect(streams).toBe(40 * 150);
    // the generator reaches every rounding mode of the ops that round
    for (const op of ["mul/floor", "div", "shr/half_even", "shr/ceil", "shr/floor", "lut", "select", "abs"]) expect(ops, op).toContain(op);
  }, 300_000);
});
