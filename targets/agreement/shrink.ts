import type { IrProgram } from "../../compiler/ir.js";
import { loadable } from "./run-agreement.js";
import type { StreamStep } from "./streams.js";

export interface FailingCase {
  readonly base: readonly bigint[];
  readonly stream: readonly StreamStep[];
}

/**
 * Shrinks a failing case, deterministically: drops runs of steps (halves, quarters, ... single steps,
 * as delta debugging does) while it still fails, then sets each base parameter to its default where
 * that still fails. `fails` runs a candidate; at most `budget` candidates are tried.
 */
export function shrink(program: IrProgram, c: FailingCase, fails: (c: FailingCase) => boolean, budget = 2_000): FailingCase {
  let best = c;
  let tries = 0;
  const attempt = (cand: FailingCase) => {
    if (tries >= budget) return false;
    tries++;
    if (!fails(cand)) return false;
    best = cand;
    return true;
  };
  for (let size = Math.max(1, Math.floor(best.stream.length / 2)); size >= 1; size = Math.floor(size / 2)) {
    for (let start = 0; start < best.stream.length && tries < budget; ) {
      const cand = { base: best.base, stream: [...best.stream.slice(0, start), ...best.stream.slice(start + size)] };
      if (cand.stream.length === 0 || !attempt(cand)) start += size;
    }
    if (size === 1) break;
  }
  program.params.forEach((p, i) => {
    if (best.base[i] === p.default) return;
    const base = best.base.map((v, k) => (k === i ? p.default : v));
    if (loadable(program, base)) attempt({ base, stream: best.stream });
  });
  return best;
}
