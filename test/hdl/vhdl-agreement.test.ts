import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { interpreterEngine } from "../../targets/agreement/engine.js";
import { describeStep, runStream } from "../../targets/agreement/run-agreement.js";
import { baseParams, eventStream } from "../../targets/agreement/streams.js";
import { loadVhdlEngine } from "../../targets/vhdl/ghdl-engine.js";
import { compileExample, PROGRAMS } from "./example-programs.js";
import { ensureHdlTools } from "./hdl-tools.js";

/** GHDL runs about 100 events/s on these designs: a smaller run than Verilator's. LOCKSTEP_GHDL_STREAMS changes it. */
const STREAMS = Number(process.env.LOCKSTEP_GHDL_STREAMS ?? 30);

beforeAll(ensureHdlTools);

describe.each(PROGRAMS)("%s: the VHDL, simulated by GHDL, agrees with the interpreter", (file) => {
  it(`on ${STREAMS} generated streams in one simulator run, after every event`, () => {
    const program = compileExample(file);
    const vhdl = loadVhdlEngine(program);
    const reference = interpreterEngine(program);
    const cases = fc.sample(fc.tuple(baseParams(program), eventStream(program)), { numRuns: STREAMS, seed: 20261203 });
    vhdl.prepareAll(cases);
    let events = 0;
    cases.forEach(([base, stream], i) => {
      events += stream.length;
      vhdl.select(i);
      const d = runStream(program, base, stream, reference, [vhdl]);
      if (d) throw new Error(`stream ${i}: ${d.target} ${d.what} is ${d.actual}, reference ${d.expected}, after ${describeStep(stream[d.step])}`);
    });
    expect(events).toBeGreaterThan(STREAMS * 5);
  }, 600_000);
});
