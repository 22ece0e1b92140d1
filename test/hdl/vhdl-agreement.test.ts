import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { interpreterEngine } from "../../targets/agreement/engine.js";
import { describeStep, runStream } from "../../targets/agreement/run-agreement.js";
import { baseParams, eventStream, RELOAD } from "../../targets/agreement/streams.js";
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

describe("the GHDL engine stepped event by event (each step is a simulator run)", () => {
  it("agrees with the interpreter on a short stream of examples/grid.lstep, with a reload in it", () => {
    const program = compileExample("examples/grid.lstep");
    const vhdl = loadVhdlEngine(program);
    const reference = interpreterEngine(program);
    const [[base, stream]] = fc.sample(
      fc.tuple(baseParams(program), eventStream(program, 6)).filter(([, s]) => s.some((e) => e.kind === RELOAD) && s.length >= 4),
      { numRuns: 1, seed: 11 },
    );
    const d = runStream(program, base, stream, reference, [vhdl]);
    expect(d).toBeUndefined();
  }, 300_000);
});
