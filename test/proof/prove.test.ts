import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProve } from "../../cli/prove-command.js";
import { emitVerilog } from "../../targets/verilog/emit-verilog.js";
import { compileExample, EXAMPLES } from "../hdl/example-programs.js";
import { lockstep } from "../cli/run-cli.js";
import { ensureHdlTools } from "../hdl/hdl-tools.js";

const work = mkdtempSync(join(tmpdir(), "lockstep-prove-"));
beforeAll(ensureHdlTools);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const quiet = () => {};
const options = (name: string, artifacts?: string) => ({ out: join(work, name), artifacts, only: ["safety" as const], maxSteps: 6, timeoutSeconds: 300 });

/** Writes a changed copy of an example's engine Verilog where `lockstep prove --artifacts` reads it. */
function mutantArtifacts(example: string, name: string, change: (verilog: string) => string): string {
  const v = emitVerilog(compileExample(example));
  const mutant = change(v.text);
  expect(mutant).not.toBe(v.text);
  const dir = join(work, `${name}-artifacts`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${v.module}.v`), mutant);
  return dir;
}

describe("lockstep prove", () => {
  for (const example of EXAMPLES)
    it(`proves every safety property of ${example}`, async () => {
      const r = await runProve(example, options(example.replace(/\W/g, "_")), quiet);
      expect(r.outcome?.status).toBe("proved");
      expect(r.exitCode).toBe(0);
      const names = r.properties.map((p) => p.name);
      for (const n of ["latency", "kill_switch", "max_order_qty", "max_position", "max_notional", "price_band", "invariant_0", "range_position"])
        expect(names).toContain(n);
    }, 120_000);

  it("fails with a counterexample from reset when one risk comparison is flipped in the Verilog", async () => {
    // the position check: max_position < |position + side * qty| rejects; swapped, it rejects the orders within the limit
    const artifacts = mutantArtifacts("examples/grid.lstep", "flipped", (text) => {
      const at = text.indexOf("max_position");
      const line = text.slice(at).match(/^ {2}wire (\w+) = (\w+) < (\w+_abs);$/m)!;
      return text.replace(line[0], `  wire ${line[1]} = ${line[3]} < ${line[2]};`);
    });
    const lines: string[] = [];
    const r = await runProve("examples/grid.lstep", options("flipped", artifacts), (s) => void lines.push(s));
    expect(r.exitCode).toBe(1);
    expect(r.outcome?.status).toBe("counterexample");
    if (r.outcome?.status !== "counterexample") return;
    expect(r.outcome.failed).toContain("max_position");
    const vcd = readFileSync(r.outcome.vcd, "utf8");
    expect(vcd).toMatch(/\$var .*\\ok_max_position /);
    expect(lines.join("")).toMatch(/FAILED\s+max_position/);
  }, 120_000);

  it("runs from the CLI: a named-property report and the gateway's equivalence row, exit 0; a file without a risk block is a one-line error", () => {
    const ok = lockstep("prove", "examples/grid.lstep", "--out", join(work, "cli"), "--tops", "gateway");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^ {2}proved {2}kill_switch /m);
    expect(ok.stdout).toMatch(/\d+ properties proved by 1-induction/);
    expect(ok.stdout).toMatch(/^ {2}proved {2}grid_gateway: \d+ registers, \d+ bits compared/m);
    expect(ok.stdout).not.toMatch(/grid_engine: /);
    const none = lockstep("prove", "test/hdl/fixtures/every-op.lstep", "--out", join(work, "cli"));
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/has no risk block/);
    expect(none.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);
});
