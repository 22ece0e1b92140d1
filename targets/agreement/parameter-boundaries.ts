import type { DerivedExpr, IrProgram } from "../../compiler/ir.js";
import { boundaries } from "./field-solver.js";
import type { Prng } from "./prng.js";
import { loadable } from "./run-agreement.js";

/** Base parameters a derived expression reads, through earlier derived slots too. */
export function paramsOf(program: IrProgram, e: DerivedExpr, out = new Set<number>()): Set<number> {
  switch (e.kind) {
    case "const":
      break;
    case "param":
      out.add(e.slot);
      break;
    case "derived":
      paramsOf(program, program.derived[e.slot].expr, out);
      break;
    case "unary":
      paramsOf(program, e.a, out);
      break;
    case "binary":
      paramsOf(program, e.a, out);
      paramsOf(program, e.b, out);
      break;
    default: {
      const never: never = e;
      throw new Error(`unknown derived expression ${JSON.stringify(never)}`);
    }
  }
  return out;
}

/**
 * Parameter sets at the ends of every base range (each alone, all low, all high), and on the rounding
 * boundaries of every derived parameter: for each base parameter it reads, the solver finds the
 * nearest base value where the rounded derived value steps (its exact value crosses a half LSB), and
 * both sides of the step are kept. A derived value one LSB off shows only there.
 */
export function parameterSets(program: IrProgram, rng: Prng): bigint[][] {
  const defaults = program.params.map((p) => p.default);
  const sets: bigint[][] = [defaults];
  const with_ = (b: readonly bigint[], i: number, v: bigint) => b.map((x, k) => (k === i ? v : x));
  program.params.forEach((p, i) => sets.push(with_(defaults, i, p.range.lo), with_(defaults, i, p.range.hi)));
  sets.push(program.params.map((p) => p.range.lo), program.params.map((p) => p.range.hi));
  program.derived.forEach((d, k) => {
    const slot = program.params.length + k;
    for (const i of paramsOf(program, d.expr)) {
      const p = program.params[i];
      for (const start of [defaults, program.params.map((q) => rng.big(q.range.lo, q.range.hi))]) {
        const v0 = loadable(program, start)?.[slot];
        if (v0 === undefined) continue;
        const g = (x: bigint) => {
          const v = loadable(program, with_(start, i, x))?.[slot];
          return v === undefined ? undefined : v === v0 ? -1n : 1n;
        };
        for (const b of boundaries(g, p.range.lo, p.range.hi, start[i], 2)) sets.push(with_(start, i, b.below), with_(start, i, b.at));
      }
    }
  });
  const seen = new Set<string>();
  return sets.filter((s) => {
    const key = s.join(",");
    if (seen.has(key) || !loadable(program, s)) return false;
    seen.add(key);
    return true;
  });
}
