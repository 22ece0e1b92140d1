import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/pipeline.js";
import { CaseGenerator } from "../../targets/agreement/case-generator.js";
import { Coverage } from "../../targets/agreement/coverage.js";
import { interpreterEngine, type TargetEngine } from "../../targets/agreement/engine.js";
import { loadTarget, SOFTWARE_TARGETS } from "../../targets/agreement/load-targets.js";
import { describeStep, runStream } from "../../targets/agreement/run-agreement.js";

/**
 * Streams per example per CI run; LOCKSTEP_STREAMS lowers it for a quick local run. The streams are
 * those of `lockstep test` (scenarios aimed by the solver, guided, random, long sessions of up to
 * 10^4 events): fewer than the 100,000 short random ones this test ran before, and many more events.
 */
const STREAMS = Number(process.env.LOCKSTEP_STREAMS ?? 4_000);
const examples = readdirSync(new URL("../../examples/", import.meta.url)).filter((f) => f.endsWith(".lstep"));

describe.each(examples)("%s: TypeScript and WebAssembly agree with the interpreter", (file) => {
  it(`on ${STREAMS} generated streams, in accept flag, state and outputs after every event, step and batch entry points`, async () => {
    const path = `examples/${file}`;
    const c = compileSource(path, readFileSync(new URL(`../../${path}`, import.meta.url), "utf8"));
    expect(c.diagnostics.errors()).toEqual([]);
    const ir = c.ir!;
    const targets: TargetEngine[] = [];
    for (const t of SOFTWARE_TARGETS) {
      const e = await loadTarget(ir, t, { kind: "fresh" });
      if ("error" in e) throw new Error(e.error);
      targets.push(e);
    }
    const coverage = new Coverage(ir);
    const reference = interpreterEngine(ir, coverage);
    const generator = new CaseGenerator(ir, 20261126, coverage);
    let events = 0;
    for (let i = 0; i < STREAMS; i++) {
      const k = generator.next(i);
      events += k.stream.length;
      const before = coverage.covered;
      const d = runStream(ir, k.base, k.stream, reference, targets);
      generator.feedback(k, coverage.covered > before);
      if (d) throw new Error(`${k.label}: ${d.target}: ${d.what} is ${d.actual}, reference ${d.expected}, after ${d.step < 0 ? "the reset" : describeStep(k.stream[d.step])}`);
    }
    expect(events).toBeGreaterThan(STREAMS * 20);
    // every reject reason and both outcomes of every comparison were reached
    for (const row of coverage.summary()) {
      expect(row.reasons.covered, `${row.handler} reasons`).toBe(row.reasons.total);
      expect(row.cmp.covered, `${row.handler} comparisons`).toBe(row.cmp.total);
    }
  }, 900_000);
});
