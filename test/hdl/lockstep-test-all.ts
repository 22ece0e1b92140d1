import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runTest } from "../../cli/test-command.js";
import { ensureHdlTools } from "./hdl-tools.js";

/**
 * Streams per example through `lockstep test --targets all` in the suite, and how many of them GHDL
 * runs. LOCKSTEP_HW_STREAMS=100000 is the full claim (see the README for what it costs).
 */
export const STREAMS = Number(process.env.LOCKSTEP_HW_STREAMS ?? 10_000);
export const GHDL_STREAMS = Number(process.env.LOCKSTEP_GHDL_STREAMS ?? 60);

/**
 * One example through every target: TypeScript, WebAssembly, the Verilog (Verilator, every stream)
 * and the VHDL (GHDL, the first GHDL_STREAMS), compared with the reference after every event. One test
 * file per example, so that the suite's workers run them side by side.
 */
export function testEveryTarget(file: string): void {
  beforeAll(ensureHdlTools);
  describe(`lockstep test ${file} --targets all`, () => {
    it(`agrees on ${STREAMS} streams (${GHDL_STREAMS} of them through GHDL), with the same coverage reported for each target`, async () => {
      const failures = mkdtempSync(join(tmpdir(), "lockstep-all-"));
      const outcome = await runTest(file, { runs: STREAMS, seed: 20261204, targets: ["all"], vhdlRuns: GHDL_STREAMS, failures, quiet: true });
      const d = outcome.divergence;
      expect(d ? `${d.target}: ${d.what} after step ${d.step}: reference ${d.expected}, got ${d.actual} (${outcome.replayPath})` : "agree").toBe("agree");
      expect(outcome.exitCode).toBe(0);
      expect(outcome.streams).toBe(STREAMS);
      const by = new Map(outcome.targets!.map((t) => [t.target, t]));
      expect([...by.keys()]).toEqual(["ts", "wasm", "verilog", "vhdl"]);
      expect(by.get("verilog")!.streams).toBe(STREAMS);
      expect(by.get("verilog")!.events).toBe(by.get("ts")!.events);
      expect(by.get("verilog")!.coveragePercent).toBe(outcome.coveragePercent);
      expect(by.get("vhdl")!.streams).toBe(GHDL_STREAMS);
      expect(by.get("vhdl")!.events).toBeGreaterThan(GHDL_STREAMS);
      expect(by.get("vhdl")!.coveragePercent).toBeLessThanOrEqual(outcome.coveragePercent!);
    }, 1_800_000);
  });
}
