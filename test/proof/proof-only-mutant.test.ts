import fc from "fast-check";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProve } from "../../cli/prove-command.js";
import { interpreterEngine } from "../../targets/agreement/engine.js";
import { runStream } from "../../targets/agreement/run-agreement.js";
import { baseParams, eventStream } from "../../targets/agreement/streams.js";
import type { SimEngine } from "../../targets/hdl/sim-engine.js";
import { emitVerilog } from "../../targets/verilog/emit-verilog.js";
import { loadVerilogEngine } from "../../targets/verilog/verilator-engine.js";
import { compileExample } from "../hdl/example-programs.js";
import { ensureHdlTools } from "../hdl/hdl-tools.js";

const work = mkdtempSync(join(tmpdir(), "lockstep-prove-only-"));
const engines: SimEngine[] = [];
beforeAll(ensureHdlTools);
afterAll(() => {
  engines.forEach((e) => e.close());
  rmSync(work, { recursive: true, force: true });
});

/**
 * A defect on one input value: the order check ignores the kill switch for one price, 1,234,567 ticks.
 * Random and aimed streams draw prices from a range of 2*10^7 ticks and aim at the IR's own thresholds,
 * so they do not meet it; the proof considers every price.
 */
function killSwitchBypass(text: string): string {
  const at = text.indexOf("on order:");
  const line = text.slice(at).match(/^ {2}wire (\w+) = kill_switch_engaged != (\w+);$/m)!;
  return text.replace(line[0], `  wire ${line[1]} = kill_switch_engaged != ${line[2]} && a != 54'sd1234567;`);
}

describe("a mutant only the proof catches", () => {
  const example = "examples/avellaneda.lstep";
  const program = compileExample(example);
  const v = emitVerilog(program);
  const mutant = killSwitchBypass(v.text);

  it("survives 3,000 streams through Verilator against the reference", async () => {
    expect(mutant).not.toBe(v.text);
    const verilog = await loadVerilogEngine(program, mutant);
    engines.push(verilog);
    const reference = interpreterEngine(program);
    const result = fc.check(
      fc.property(baseParams(program), eventStream(program), (base, stream) => {
        verilog.prepare(base, stream);
        return runStream(program, base, stream, reference, [verilog]) === undefined;
      }),
      { numRuns: 3_000, seed: 7 },
    );
    expect(result.failed).toBe(false);
  }, 600_000);

  it("is caught by lockstep prove, with a counterexample from reset on the kill_switch property", async () => {
    const artifacts = join(work, "artifacts");
    mkdirSync(artifacts, { recursive: true });
    writeFileSync(join(artifacts, `${v.module}.v`), mutant);
    const r = await runProve(example, { out: join(work, "proof"), artifacts, only: ["safety"], maxSteps: 6, timeoutSeconds: 300 }, () => {});
    expect(r.outcome?.status).toBe("counterexample");
    if (r.outcome?.status === "counterexample") expect(r.outcome.failed).toContain("kill_switch");
  }, 300_000);
});
