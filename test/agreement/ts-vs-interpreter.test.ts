import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parameterVector } from "../../compiler/derived-eval.js";
import { Interpreter } from "../../compiler/interpret.js";
import { compileSource } from "../../compiler/pipeline.js";
import { emitTypeScript } from "../../targets/ts/emit-ts.js";
import { loadTsModule } from "../../targets/ts/load-module.js";
import { baseParams, eventStream } from "../support/streams.js";

const STREAMS = Number(process.env.LOCKSTEP_STREAMS ?? 10_000);
const EXAMPLES = ["avellaneda", "glft", "grid"].filter((n) => {
  try {
    readFileSync(new URL(`../../examples/${n}.lstep`, import.meta.url));
    return true;
  } catch {
    return false;
  }
});

describe.each(EXAMPLES)("%s: emitted TypeScript agrees with the interpreter", (name) => {
  it(`on ${STREAMS} random streams, after every event`, async () => {
    const path = `examples/${name}.lstep`;
    const c = compileSource(path, readFileSync(new URL(`../../${path}`, import.meta.url), "utf8"));
    expect(c.diagnostics.errors()).toEqual([]);
    const ir = c.ir!;
    const mod = await loadTsModule(await emitTypeScript(ir));
    const engine = new mod.Engine();
    const ref = new Interpreter(ir, true);
    let events = 0;
    fc.assert(
      fc.property(baseParams(ir), eventStream(ir), (base, stream) => {
        const pv = parameterVector(ir, base);
        ref.reset(pv);
        engine.reset(pv.map(Number));
        for (const e of stream) {
          const okRef = ref.step(e.kind, e.t, e.a, e.b, e.c, e.d);
          const okTs = engine.step(e.kind, e.t, e.a, e.b, e.c, e.d);
          events++;
          if (okRef !== okTs) return false;
          for (let i = 0; i < ref.state.length; i++) if (ref.state[i] !== BigInt(engine.state[i])) return false;
          for (let i = 0; i < ref.outputs.length; i++) if (ref.outputs[i] !== BigInt(engine.outputs[i])) return false;
        }
        return true;
      }),
      { numRuns: STREAMS },
    );
    expect(events).toBeGreaterThan(STREAMS);
  }, 600_000);
});
