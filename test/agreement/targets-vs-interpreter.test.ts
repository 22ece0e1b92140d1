import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/pipeline.js";
import { interpreterEngine, type TargetEngine } from "../../targets/agreement/engine.js";
import { loadTarget, SOFTWARE_TARGETS } from "../../targets/agreement/load-targets.js";
import { describeStep, runStream } from "../../targets/agreement/run-agreement.js";
import { baseParams, eventStream } from "../../targets/agreement/streams.js";

/** Streams per example per CI run; LOCKSTEP_STREAMS lowers it for a quick local run. */
const STREAMS = Number(process.env.LOCKSTEP_STREAMS ?? 100_000);
const examples = readdirSync(new URL("../../examples/", import.meta.url)).filter((f) => f.endsWith(".lstep"));

describe.each(examples)("%s: TypeScript and WebAssembly agree with the interpreter", (file) => {
  it(`on ${STREAMS} generated streams, in accept flag, state and outputs after every event`, async () => {
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
    const reference = interpreterEngine(ir);
    let events = 0;
    fc.assert(
      fc.property(baseParams(ir), eventStream(ir), (base, stream) => {
        events += stream.length;
        const d = runStream(ir, base, stream, reference, targets);
        if (d) throw new Error(`${d.target}: ${d.what} is ${d.actual}, reference ${d.expected}, after ${describeStep(stream[d.step])}`);
      }),
      { numRuns: STREAMS, seed: 20261126 },
    );
    expect(events).toBeGreaterThan(STREAMS * 5);
  }, 900_000);
});
