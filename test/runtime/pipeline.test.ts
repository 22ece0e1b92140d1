import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parameterVector } from "../../compiler/derived-eval.js";
import { compileSource } from "../../compiler/pipeline.js";
import { readBinanceJsonlGz, repeatTape } from "../../runtime/feed/binance-jsonl.js";
import { loadRecordStepper, type EngineModule } from "../../runtime/pipeline/engine-module.js";
import { prepareEngineModule } from "../../runtime/pipeline/prepare-engine-module.js";
import { runOneThread } from "../../runtime/pipeline/run-one-thread.js";
import { runPipeline } from "../../runtime/pipeline/run-pipeline.js";

const SOURCE = "examples/avellaneda.lstep";
const program = compileSource(SOURCE, readFileSync(SOURCE, "utf8")).ir!;
const params = parameterVector(
  program,
  program.params.map((p) => p.default),
);
const excerpt = readBinanceJsonlGz("examples/data/btcusdt-20240808-excerpt.jsonl.gz", { tick: "0.01", lot: "0.00001" }).tape;
// Three passes over the excerpt (22,005 events): small rings wrap and fill many times.
const tape = repeatTape(excerpt, 3 * excerpt.length);
const compiled = new Map<EngineModule["target"], Promise<EngineModule>>();
const moduleFor = (target: EngineModule["target"]) => compiled.get(target) ?? compiled.set(target, prepareEngineModule(program, target)).get(target)!;

// Three workers per run, from dist/ (`npm test` builds first): 3–7 s in all on 2 busy cores, most of it emitting the two targets.
describe("pipeline: feed worker -> strategy worker -> sink worker", () => {
  for (const target of ["ts", "wasm"] as const) {
    it(`gives the outputs of the same ${target} engine stepped in one thread, event by event`, async () => {
      const module = await moduleFor(target);
      const alone = runOneThread(await loadRecordStepper(module, params), tape);
      const piped = await runPipeline({ tape, module, params, outputCount: program.outputs.length, capacity: 256, full: "wait", batch: 64 });
      expect([piped.events, piped.records, piped.droppedEvents, piped.droppedOutputs]).toEqual([tape.length, tape.length, 0, 0]);
      expect(piped.accepted).toBe(alone.accepted);
      expect(piped.checksum).toBe(alone.checksum);
    });
  }

  it("with the drop policy, accounts for every event: arrived at the sink or counted as dropped on one ring", async () => {
    const module = await moduleFor("wasm");
    const r = await runPipeline({ tape, module, params, outputCount: program.outputs.length, capacity: 16, full: "drop", batch: 8 });
    expect(r.events).toBe(tape.length);
    expect(r.records + r.droppedEvents + r.droppedOutputs).toBe(tape.length);
  });
});

describe("pipeline failures", () => {
  it("a worker that throws mid-run stops the others (asleep on full or empty rings) and the run rejects with its error", async () => {
    // An engine that fails on its 1000th event, while the feed waits on a full ring and the sink on an empty one.
    const js = `export class Engine {
      outputs = new Float64Array(${program.outputs.length});
      n = 0;
      reset() { this.n = 0; }
      stepRecord() { if (++this.n === 1000) throw new Error("engine failed on event 1000"); return true; }
    }`;
    const run = runPipeline({ tape, module: { target: "ts", js }, params, outputCount: program.outputs.length, capacity: 64, full: "wait", batch: 8 });
    await expect(run).rejects.toThrow("engine failed on event 1000");
  });
});
