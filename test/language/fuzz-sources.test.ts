import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Interpreter } from "../../compiler/interpret.js";
import type { IrProgram } from "../../compiler/ir.js";
import { compileSource } from "../../compiler/pipeline.js";
import { EVENT_KIND_NAMES } from "../../runtime/event-tape.js";
import { loadable } from "../../targets/agreement/run-agreement.js";

const examples = readdirSync(new URL("../../examples/", import.meta.url))
  .filter((f) => f.endsWith(".lstep"))
  .map((f) => readFileSync(new URL(`../../examples/${f}`, import.meta.url), "utf8"));

const WORDS = ["instrument", "params", "strategy", "risk", "on", "book", "state", "let", "quote", "if", "else", "{", "}", "(", ")", "[", "]", ",", ":", "=", "==", "<", "+", "-", "*", "/", "fix<8.24>", "0.5", "60s", "20 ticks", "mid", "position", "ewma(", "sat(", "in", "#", "\n", " ", "\u0000", "é", "@"];

/** Every event kind with every field at both ends of its range, growing in time. */
function extremeEvents(ir: IrProgram) {
  const out: { kind: number; t: number; a: number; b: number; c: number; d: number }[] = [];
  let t = 0;
  for (let round = 0; round < 4; round++)
    for (const h of ir.handlers) {
      const pick = (f: string) => {
        const s = h.inputs.find((i) => i.field === f);
        return s ? Number(round % 2 ? s.range.hi : s.range.lo) : 0;
      };
      t += round * 1_000_000_007;
      out.push({ kind: EVENT_KIND_NAMES.indexOf(h.event), t, a: pick("a"), b: pick("b"), c: pick("c"), d: pick("d") });
    }
  return out;
}

/** Edits of a valid file: a cut, an insertion of a token, a duplication, a swap of two lines. */
const mutatedExample = fc
  .tuple(fc.constantFrom(...examples), fc.nat(), fc.nat(), fc.constantFrom(...WORDS), fc.integer({ min: 0, max: 3 }))
  .map(([src, i, j, word, kind]) => {
    const a = i % (src.length + 1);
    const b = j % (src.length + 1);
    const [lo, hi] = a < b ? [a, b] : [b, a];
    switch (kind) {
      case 0:
        return src.slice(0, lo) + src.slice(Math.min(hi, lo + 40));
      case 1:
        return src.slice(0, lo) + word + src.slice(lo);
      case 2:
        return src.slice(0, hi) + src.slice(lo, hi) + src.slice(hi);
      default: {
        const lines = src.split("\n");
        const x = a % lines.length;
        const y = b % lines.length;
        [lines[x], lines[y]] = [lines[y], lines[x]];
        return lines.join("\n");
      }
    }
  });

describe("malformed sources never crash the compiler", () => {
  it("random token soup: a diagnostic with a valid position, never an exception", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...WORDS), { maxLength: 60 }), (words) => {
        const text = words.join(" ");
        const c = compileSource("soup.lstep", text);
        for (const d of c.diagnostics.items) {
          expect(d.span.start).toBeGreaterThanOrEqual(0);
          expect(d.span.end).toBeLessThanOrEqual(text.length);
          expect(d.message.length).toBeGreaterThan(0);
        }
        if (!c.ir) expect(c.diagnostics.errors().length).toBeGreaterThan(0);
      }),
      { numRuns: 3000 },
    );
  });

  it("edited examples: errors, or a program whose proven ranges hold on extreme events", () => {
    let compiled = 0;
    fc.assert(
      fc.property(mutatedExample, (text) => {
        const c = compileSource("edit.lstep", text);
        for (const d of c.diagnostics.items) expect(d.span.end).toBeLessThanOrEqual(text.length);
        if (!c.ir) {
          expect(c.diagnostics.errors().length).toBeGreaterThan(0);
          return;
        }
        compiled++;
        // the checked interpreter throws if any value escapes the interval range analysis proved for it
        const it = new Interpreter(c.ir, true);
        for (const params of [c.ir.params.map((p) => p.range.lo), c.ir.params.map((p) => p.range.hi)]) {
          const vector = loadable(c.ir, params);
          if (!vector) continue;
          it.reset(vector);
          for (const e of extremeEvents(c.ir)) it.step(e.kind, e.t, e.a, e.b, e.c, e.d);
        }
      }),
      { numRuns: 1000 },
    );
    expect(compiled).toBeGreaterThan(0);
  });
});
