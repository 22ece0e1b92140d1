import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/pipeline.js";
import { interpreterEngine, type TargetEngine } from "../../targets/agreement/engine.js";
import { loadTarget, SOFTWARE_TARGETS } from "../../targets/agreement/load-targets.js";
import { describeStep, runStream } from "../../targets/agreement/run-agreement.js";
import { baseParams, eventStream } from "../../targets/agreement/streams.js";
import { emitTypeScript } from "../../targets/ts/emit-ts.js";
import { reciprocalUp } from "../../targets/ts/lower-op.js";

/** The forms of targets/ts/lower-op.ts's rules in emitted code: the generator must reach each. */
const TS_RULES: Record<string, RegExp> = {
  "int32 shift": / >> \d+;/,
  "floor by scaling": /Math\.floor\(v\d+(_p)? \* [\d.e-]+\)/,
  "ceil by scaling": /Math\.ceil\(v\d+(_p)? \* [\d.e-]+\)/,
  "half-even by 1.5 * 2^52": /\+ 6755399441055744 - 6755399441055744/,
  "half-even by parity": /_q \+ 1 : v\d+_q/,
  "guarded product": /v\d+_p < 9007199254740992/,
  "division by a reciprocal": new RegExp(`Math\\.floor\\([^;]* \\* ${reciprocalUp(49n).replaceAll(".", "\\.")}\\)`),
};

/**
 * The examples exercise some ops and rounding modes; random expressions exercise all of them: every
 * arithmetic op, floor/ceil/half-even, wide products, divisions with negative operands, tables for
 * ln/exp/sqrt, selects. Each program that compiles must run identically on every target.
 */
const leaf = fc.constantFrom(
  "value(bid)", "value(ask_qty)", "value(position)", "a", "b", "c", "3", "0.5", "-2", "0.1", "value(mid)", "ceil(a * b)",
  // the lowering rules' edges (targets/ts/lower-op.ts): a half-even rounding by 2 of values up to 2^52 (the
  // 1.5 * 2^52 constant, at its bound |x / 2| < 2^51) and beyond (the parity test), ties whenever the mid is
  // a half tick; a product whose proven range passes 2^53 and whose values cross it near the top of the
  // price range (the guarded fast path and the limb helper)
  "clamp(round(value(mid) * 22_000_000_000) - value(mid) * 22_000_000_000, -1, 1)",
  "clamp(round(value(mid) * 40_000_000_000) - value(mid) * 40_000_000_000, -1, 1)",
  "precision(precision(value(mid) * 0.001, 20) * precision(value(bid) * 0.001, 20), 8)",
  "ceil(precision(value(mid) * 0.001, 20) * precision(value(ask) * 0.001, 20))",
  // a division by a constant of a non-negative dividend: a product with the reciprocal rounded up
  "value(bid) / 49",
);

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
      const ts = await emitTypeScript(c.ir);
      for (const [rule, form] of Object.entries(TS_RULES)) if (form.test(ts)) ops.add(rule);
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
    for (const rule of Object.keys(TS_RULES)) expect(ops, rule).toContain(rule);
  }, 300_000);
});
