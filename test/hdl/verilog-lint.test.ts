import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { emitVerilog } from "../../targets/verilog/emit-verilog.js";
import { topProgram } from "../../targets/hdl/hdl-top.js";
import { compileExample, HDL_CASES } from "./example-programs.js";
import { ensureHdlTools } from "./hdl-tools.js";

beforeAll(ensureHdlTools);

describe.each(HDL_CASES)("%s: the emitted Verilog of the %s top", (file, top) => {
  it("is clean under verilator --lint-only -Wall, names state registers after the source, has no latches", () => {
    const program = topProgram(compileExample(file), top);
    const v = emitVerilog(compileExample(file), top);
    const dir = mkdtempSync(join(tmpdir(), "lockstep-lint-"));
    const path = join(dir, `${v.module}.v`);
    writeFileSync(path, v.text);
    const lint = spawnSync("verilator", ["--lint-only", "-Wall", path], { encoding: "utf8" });
    expect(lint.stderr).toBe("");
    expect(lint.status).toBe(0);
    for (const s of program.state) expect(v.text).toMatch(new RegExp(`^  reg signed \\[\\d+:0\\] ${s.name};`, "m"));
    // every register is assigned only in the one clocked block: no combinational always, no latch
    expect(v.text.match(/always @/g)).toEqual(["always @"]);
    expect(v.text).toContain("always @(posedge clk)");
    const yosys = spawnSync("yosys", ["-q", "-p", `read_verilog ${path}; proc; select -assert-none t:$dlatch t:$adlatch t:$dlatchsr`], { encoding: "utf8" });
    expect(yosys.stderr + yosys.stdout).toBe("");
    expect(yosys.status).toBe(0);
  }, 120_000);
});
