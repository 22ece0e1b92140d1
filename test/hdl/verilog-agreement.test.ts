import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { interpreterEngine } from "../../targets/agreement/engine.js";
import { describeStep, runStream } from "../../targets/agreement/run-agreement.js";
import { baseParams, eventStream } from "../../targets/agreement/streams.js";
import type { SimEngine } from "../../targets/hdl/sim-engine.js";
import { loadVerilogEngine } from "../../targets/verilog/verilator-engine.js";
import { compileExample, PROGRAMS } from "./example-programs.js";
import { ensureHdlTools } from "./hdl-tools.js";

/** Streams per example; LOCKSTEP_HDL_STREAMS changes it. A cold Verilator build adds 0.5 to 3 minutes per example. */
const STREAMS = Number(process.env.LOCKSTEP_HDL_STREAMS ?? 5_000);

const engines: SimEngine[] = [];
beforeAll(ensureHdlTools);
afterAll(() => engines.forEach((e) => e.close()));

describe.each(PROGRAMS)("%s: the Verilog, simulated by Verilator, agrees with the interpreter", (file) => {
  it(`on ${STREAMS} generated streams, in accept flag, state and outputs after every event`, async () => {
    const program = compileExample(file);
    const verilog = await loadVerilogEngine(program);
    engines.push(verilog);
    const reference = interpreterEngine(program);
    let events = 0;
    fc.assert(
      fc.property(baseParams(program), eventStream(program), (base, stream) => {
        events += stream.length;
        // the whole stream goes to the simulator in one exchange; runStream then reads the replies
        verilog.prepare(base, stream);
        const d = runStream(program, base, stream, reference, [verilog]);
        if (d) throw new Error(`${d.target}: ${d.what} is ${d.actual}, reference ${d.expected}, after ${describeStep(stream[d.step])}`);
      }),
      { numRuns: STREAMS, seed: 20261203 },
    );
    expect(events).toBeGreaterThan(STREAMS * 5);
  }, 900_000);
});
