import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { parameterVector } from "../../compiler/derived-eval.js";
import { compileSource } from "../../compiler/pipeline.js";
import { RECORD_SIZE, tapeToRecords } from "../../runtime/event-tape.js";
import { readBinanceJsonlGz } from "../../runtime/feed/binance-jsonl.js";
import { emitWasm } from "../../targets/wasm/emit-wasm.js";
import { loadWasm } from "../../targets/wasm/load-wasm.js";

it("stepBatch, and stepInPlace over events already in linear memory, give each event the outputs and final state that step gives", async () => {
  const path = "examples/avellaneda.lstep";
  const ir = compileSource(path, readFileSync(path, "utf8")).ir!;
  const bytes = (await emitWasm(ir)).wasm;
  const one = await loadWasm(bytes);
  const batched = await loadWasm(bytes);
  const inPlace = await loadWasm(bytes);
  const params = parameterVector(ir, ir.params.map((p) => p.default));
  one.reset(params);
  batched.reset(params);
  inPlace.reset(params);
  const records = tapeToRecords(readBinanceJsonlGz("examples/data/btcusdt-20240808-excerpt.jsonl.gz", { tick: "0.01", lot: "0.00001" }).tape);
  const events = records.length / RECORD_SIZE;
  const width = ir.outputs.length;
  inPlace.reserveBatch(events, 1000);
  inPlace.batchEvents.set(records);
  let accepted = 0;
  let compared = 0;
  for (let first = 0; first < events; first += 1000) {
    const count = Math.min(1000, events - first);
    const got = batched.stepBatch(records, first, count);
    expect(inPlace.stepInPlace(first, count)).toBe(got);
    let ok = 0;
    for (let i = 0; i < count; i++) {
      const at = (first + i) * RECORD_SIZE;
      if (one.step(records[at], records[at + 1], records[at + 2], records[at + 3], records[at + 4], records[at + 5])) ok++;
      for (let o = 0; o < width; o++) {
        expect(batched.batchOutputs[i * width + o]).toBe(one.outputs[o]);
        expect(inPlace.batchOutputs[i * width + o]).toBe(one.outputs[o]);
      }
      compared++;
    }
    expect(got).toBe(ok);
    accepted += ok;
  }
  for (let s = 0; s < ir.state.length; s++) {
    expect(batched.state(s)).toBe(one.state(s));
    expect(inPlace.state(s)).toBe(one.state(s));
  }
  expect(() => inPlace.stepInPlace(events - 10, 20)).toThrow(RangeError);
  expect(compared).toBe(events);
  expect(accepted).toBeGreaterThan(events / 2);
});
