import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { lockstep } from "../cli/run-cli.js";
import { ensureHdlTools } from "../hdl/hdl-tools.js";

beforeAll(ensureHdlTools);

// the design check only (yosys proc, check, latch count): place and route of the tops is for `npm run bench:hdl`
describe("lockstep synth", () => {
  it("checks both tops of a program, writes their Verilog and a table with the latency of each, exit 0", () => {
    const out = mkdtempSync(join(tmpdir(), "lockstep-synth-cli-"));
    const r = lockstep("synth", "examples/grid.lstep", "--no-ice40", "--no-xcup", "--out", out);
    expect(r.stderr).toMatch(/synthesizing grid_engine \.\.\./);
    expect(r.code).toBe(0);
    const rows = r.stdout.split("\n").filter((l) => /^\| grid_/.test(l));
    expect(rows.map((l) => l.split("|").map((c) => c.trim())[1])).toEqual(["grid_engine", "grid_gateway"]);
    // latency then latches, the last two columns
    expect(rows.map((l) => l.split("|").map((c) => c.trim()).slice(-3, -1))).toEqual([
      ["1", "0"],
      ["4", "0"],
    ]);
    for (const f of ["grid_engine.v", "grid_gateway.v", "synth-table.md", "synth-report.json"]) expect(existsSync(join(out, f))).toBe(true);
    const report = JSON.parse(readFileSync(join(out, "synth-report.json"), "utf8"));
    expect(report[1].report.design.ports.map((p: { name: string }) => p.name)).toContain("kill");
    expect(report[1].report.design.checkProblems).toEqual([]);
  }, 120_000);

  it("synthesizes only the tops --tops names, and refuses an unknown one, exit 1", () => {
    const out = mkdtempSync(join(tmpdir(), "lockstep-synth-cli-"));
    const r = lockstep("synth", "test/hdl/fixtures/every-op.lstep", "--tops", "gateway", "--no-ice40", "--no-xcup", "--out", out);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\| ops_gateway +\|/m);
    expect(r.stdout).not.toContain("ops_engine");
    const bad = lockstep("synth", "examples/grid.lstep", "--tops", "engine,router");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("--tops takes engine and gateway, got 'router'");
  });
});
