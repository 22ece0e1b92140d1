import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeOutputs } from "../../cli/compile-command.js";
import { runTest } from "../../cli/test-command.js";
import { compileSource } from "../../compiler/pipeline.js";
import { assemble } from "./assemble-wat.js";
import { TS_MUTANTS, WASM_MUTANTS, type Mutant } from "./mutants.js";

const SOURCE = "examples/avellaneda.lstep";
const RUNS = 20_000;


describe("mutation score: lockstep test catches bugs injected into emitted code", async () => {
  const c = compileSource(SOURCE, readFileSync(SOURCE, "utf8"));
  const clean = mkdtempSync(join(tmpdir(), "lockstep-clean-"));
  await writeOutputs(c.ir!, clean);
  const results: { mutant: string; target: string; caught: boolean; streams: number }[] = [];

  it("the unmutated artifacts pass", async () => {
    const outcome = await runTest(SOURCE, { runs: 2000, seed: 1, targets: ["ts", "wasm"], artifacts: clean, failures: clean, quiet: true });
    expect(outcome.exitCode).toBe(0);
  });

  it.each([...TS_MUTANTS, ...WASM_MUTANTS].map((m) => [`${m.target}: ${m.name}`, m] as [string, Mutant]))("%s", async (_label, m) => {
    const dir = mkdtempSync(join(tmpdir(), "lockstep-mutant-"));
    for (const ext of ["ts", "wasm", "wat"]) copyFileSync(join(clean, `avellaneda.${ext}`), join(dir, `avellaneda.${ext}`));
    const original = readFileSync(join(clean, `avellaneda.${m.target === "ts" ? "ts" : "wat"}`), "utf8");
    const mutated = m.apply(original);
    expect(mutated, "the mutation site exists").toBeDefined();
    expect(mutated).not.toBe(original);
    if (m.target === "ts") writeFileSync(join(dir, "avellaneda.ts"), mutated!);
    else writeFileSync(join(dir, "avellaneda.wasm"), await assemble(mutated!));
    const outcome = await runTest(SOURCE, { runs: RUNS, seed: 1, targets: [m.target], artifacts: dir, failures: dir, quiet: true });
    results.push({ mutant: m.name, target: m.target, caught: outcome.exitCode === 1, streams: outcome.streams });
    expect(outcome.exitCode, "lockstep test reports the disagreement").toBe(1);
    expect(outcome.divergence?.target).toBe(m.target);
  }, 300_000);

  it("reports the score", () => {
    const caught = results.filter((r) => r.caught).length;
    console.log(
      ["mutant                                                       target  caught  streams until caught", ...results.map((r) => `${r.mutant.padEnd(60)} ${r.target.padEnd(6)}  ${r.caught ? "yes" : "NO "}     ${r.streams}`)].join("\n") +
        `\nmutation score: ${caught}/${results.length}`,
    );
    expect(caught).toBe(TS_MUTANTS.length + WASM_MUTANTS.length);
  });
});
