import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { interpreterEngine } from "../../targets/agreement/engine.js";
import { runStream } from "../../targets/agreement/run-agreement.js";
import { baseParams, eventStream } from "../../targets/agreement/streams.js";
import type { SimEngine } from "../../targets/hdl/sim-engine.js";
import { emitVerilog } from "../../targets/verilog/emit-verilog.js";
import { loadVerilogEngine } from "../../targets/verilog/verilator-engine.js";
import { compileExample } from "./example-programs.js";
import { ensureHdlTools } from "./hdl-tools.js";

const engines: SimEngine[] = [];
beforeAll(ensureHdlTools);
afterAll(() => engines.forEach((e) => e.close()));

describe("the Verilator agreement harness has teeth", () => {
  it("finds a risk comparison flipped from < to <= in the emitted Verilog", async () => {
    const program = compileExample("examples/grid.lstep");
    const { text } = emitVerilog(program);
    const risk = text.indexOf("risk Gateway");
    const at = text.slice(risk).search(/^ {2}wire order_v\d+ = \S+ < \S+;$/m);
    expect(risk > 0 && at > 0).toBe(true);
    const line = text.slice(risk + at).split("\n")[0];
    const mutant = text.replace(line, line.replace(" < ", " <= "));
    expect(mutant).not.toBe(text);
    const verilog = await loadVerilogEngine(program, mutant);
    engines.push(verilog);
    const reference = interpreterEngine(program);
    const result = fc.check(
      fc.property(baseParams(program), eventStream(program), (base, stream) => {
        verilog.prepare(base, stream);
        return runStream(program, base, stream, reference, [verilog]) === undefined;
      }),
      { numRuns: 2_000, seed: 7 },
    );
    expect(result.failed).toBe(true);
  }, 600_000);
});
