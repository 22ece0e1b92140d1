import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProve } from "../../cli/prove-command.js";
import { lowerProgram } from "../../targets/hdl/lower-program.js";
import { repairGhdlVerilog } from "../../targets/proof/ghdl-to-verilog.js";
import { printVerilog } from "../../targets/verilog/emit-verilog.js";
import { printVhdl } from "../../targets/vhdl/emit-vhdl.js";
import { compileExample, EXAMPLES } from "../hdl/example-programs.js";
import { ensureHdlTools } from "../hdl/hdl-tools.js";

const work = mkdtempSync(join(tmpdir(), "lockstep-equivalence-"));
beforeAll(ensureHdlTools);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const quiet = () => {};
const options = (name: string, artifacts?: string) => ({
  out: join(work, name),
  artifacts,
  only: ["equivalence" as const],
  tops: ["gateway" as const],
  maxSteps: 6,
  timeoutSeconds: 300,
});

describe("repairGhdlVerilog", () => {
  it("spells GHDL's wide string constants as bits and marks equal-width products signed, nothing else", () => {
    const text = [
      "  wire [3:0] n1_o;",
      "  wire [3:0] n2_o;",
      "  wire [3:0] n3_o;",
      "  wire [7:0] n4_o;",
      '  assign n1_o = "0101"; // (signal)',
      "  assign n3_o = n1_o * n2_o; // smul",
      "  assign n4_o = n1_o * n2_o; // umul",
    ].join("\n");
    const out = repairGhdlVerilog(text);
    expect(out).toContain("assign n1_o = 4'b0101;");
    expect(out).toContain("assign n3_o = $signed(n1_o) * $signed(n2_o); // smul");
    // an 8-bit product of 4-bit operands depends on signedness: left as GHDL wrote it
    expect(out).toContain("assign n4_o = n1_o * n2_o; // umul");
  });
});

describe("lockstep prove: Verilog = VHDL", () => {
  for (const example of EXAMPLES)
    it(`proves the gateway's Verilog and VHDL of ${example} equivalent`, async () => {
      const r = await runProve(example, options(example.replace(/\W/g, "_")), quiet);
      expect(r.equivalence.map((e) => [e.top, e.outcome.status])).toEqual([["gateway", "proved"]]);
      expect(r.exitCode).toBe(0);
      if (r.equivalence[0].outcome.status === "proved") expect(r.equivalence[0].outcome.registers).toBeGreaterThan(100);
    }, 300_000);

  it("fails with a counterexample from reset when one comparison is flipped in the VHDL of grid's gateway", async () => {
    // the order quantity check: max_order_qty < qty rejects; with <= the VHDL also rejects qty = max_order_qty
    const netlist = lowerProgram(compileExample("examples/grid.lstep"), "gateway");
    const vhdl = printVhdl(netlist);
    const line = vhdl.match(/^ {2}(order_v\d+) <= '1' when (\w+) < (order_v\d+_w\d+_s\d+) else '0';$/m)!;
    const mutant = vhdl.replace(line[0], `  ${line[1]} <= '1' when ${line[2]} <= ${line[3]} else '0';`);
    expect(mutant).not.toBe(vhdl);
    const artifacts = join(work, "flipped-artifacts");
    mkdirSync(artifacts, { recursive: true });
    writeFileSync(join(artifacts, `${netlist.module}.v`), printVerilog(netlist));
    writeFileSync(join(artifacts, `${netlist.module}.vhd`), mutant);
    const lines: string[] = [];
    const r = await runProve("examples/grid.lstep", options("flipped", artifacts), (s) => void lines.push(s));
    expect(r.exitCode).toBe(1);
    const outcome = r.equivalence[0].outcome;
    expect(outcome.status).toBe("counterexample");
    if (outcome.status !== "counterexample") return;
    expect(outcome.unproven).toContain(line[1]);
    expect(outcome.differ).toContain("reason");
    expect(outcome.steps).toBeGreaterThan(netlist.latency);
    const vcd = readFileSync(outcome.vcd, "utf8");
    expect(vcd).toMatch(/\$var .*\\in_b /);
    expect(vcd).toMatch(/\$var .*\\gate_reason /);
    expect(lines.join("")).toMatch(/FAILED {2}grid_gateway: counterexample from reset, \d+ cycles: reason differs/);
  }, 300_000);

  it("does not prove a register that reset leaves alone in both languages equal: the base names it", async () => {
    const netlist = lowerProgram(compileExample("examples/grid.lstep"), "gateway");
    const [verilog, vhdl] = [printVerilog(netlist), printVhdl(netlist)];
    const v = verilog.replace(/^ {6}last_time <= \d+'sh0;\n/m, "");
    const h = vhdl.replace(/^ {8}last_time <= to_signed\(0, \d+\);\n/m, "");
    expect([v, h]).not.toEqual([verilog, vhdl]);
    expect(v).not.toBe(verilog);
    expect(h).not.toBe(vhdl);
    const artifacts = join(work, "unreset-artifacts");
    mkdirSync(artifacts, { recursive: true });
    writeFileSync(join(artifacts, `${netlist.module}.v`), v);
    writeFileSync(join(artifacts, `${netlist.module}.vhd`), h);
    const r = await runProve("examples/grid.lstep", { ...options("unreset", artifacts), maxSteps: 1 }, quiet);
    expect(r.exitCode).toBe(1);
    const outcome = r.equivalence[0].outcome;
    expect(outcome.status).not.toBe("proved");
    if (outcome.status === "not_proved" || outcome.status === "counterexample") expect(outcome.unproven.join(" ")).toMatch(/^rst: under reset, next values still read .*last_time\.q/);
  }, 300_000);
});
