import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeOutputs } from "../../cli/compile-command.js";
import { runTest } from "../../cli/test-command.js";
import { compileSource } from "../../compiler/pipeline.js";
import { IR_MUTANTS, type Example, type IrMutant } from "./ir-mutants.js";

export const RUNS = 3_000;
export const SEED = 1;
/**
 * Streams for a mutant the score does not count on catching: an equivalent one (its argument is
 * asserted on the program; a run can only refute it) and one listed as surviving today.
 */
const SMOKE_RUNS = 300;

interface Row {
  readonly mutant: IrMutant;
  readonly target: string;
  readonly caught: boolean;
  readonly streams: number;
}

/**
 * The IR mutation score of one example (one test file per example, so that examples run in parallel).
 * Each IR mutant is emitted to both targets from the mutated IR, written as `lockstep compile` writes
 * its artifacts, and tested with `lockstep test --artifacts` against the reference on the original
 * source. Every mutant that is not equivalent must be caught; an equivalent one must not be (a catch
 * would refute its argument), and its argument's facts are asserted on the program.
 */
export function describeIrMutationScore(example: Example): void {
  describe(`IR mutation score of ${example}: lockstep test --artifacts catches bugs planted in the IR`, () => {
    const rows: Row[] = [];
    const source = `examples/${example}.lstep`;
    const ir = compileSource(source, readFileSync(source, "utf8")).ir!;
    const clean = mkdtempSync(join(tmpdir(), `lockstep-ir-clean-${example}-`));
    const mutants = IR_MUTANTS.filter((m) => m.example === example);
    afterAll(() => rmSync(clean, { recursive: true, force: true }));

    it("the unmutated artifacts pass", async () => {
      await writeOutputs(ir, clean);
      const outcome = await runTest(source, {
        runs: RUNS,
        seed: SEED,
        targets: ["ts", "wasm"],
        artifacts: clean,
        failures: clean,
        quiet: true,
      });
      expect(outcome.exitCode).toBe(0);
    }, 120_000);

    it.each(mutants.map((m) => [m.name, m] as [string, IrMutant]))(
      "%s",
      async (_name, m) => {
        if (m.equivalent) expect(() => m.equivalent!.check(ir), m.equivalent.argument).not.toThrow();
        const mutated = m.mutate(ir);
        const dir = mkdtempSync(join(tmpdir(), `lockstep-ir-mutant-${example}-`));
        try {
          await writeOutputs(mutated, dir);
          expect(readFileSync(join(dir, `${example}.ts`), "utf8"), "the mutant changes the emitted code").not.toBe(
            readFileSync(join(clean, `${example}.ts`), "utf8"),
          );
          const outcome = await runTest(source, {
            runs: m.equivalent || m.survivesToday ? SMOKE_RUNS : RUNS,
            seed: SEED,
            targets: ["ts", "wasm"],
            artifacts: dir,
            failures: dir,
            quiet: true,
          });
          const caught = outcome.exitCode === 1 && outcome.divergence !== undefined && outcome.divergence.target !== "interpreter";
          rows.push({
            mutant: m,
            target: outcome.divergence?.target ?? "-",
            caught,
            streams: outcome.streams,
          });
          if (m.equivalent) expect(outcome.exitCode, `an equivalent mutant was told apart: ${m.equivalent.argument} is wrong`).toBe(0);
          else if (m.survivesToday) expect(caught, `${m.name} is caught now: remove its survivesToday note`).toBe(false);
          else expect(caught, `${m.name}: survived ${outcome.streams} streams (exit ${outcome.exitCode})`).toBe(true);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
      120_000,
    );

    afterAll(() => {
      const head = ["mutant", "example", "class", "target", "caught", "streams until caught"];
      const body = rows.map((r) => [
        r.mutant.name,
        r.mutant.example,
        r.mutant.cls,
        r.target,
        r.mutant.equivalent ? "equivalent" : r.caught ? "yes" : r.mutant.survivesToday ? "NO (listed)" : "NO",
        r.caught ? String(r.streams) : `(${r.streams} run)`,
      ]);
      const widths = head.map((_, i) => Math.max(...[head, ...body].map((row) => row[i].length)));
      const line = (row: string[]) => row.map((c, i) => c.padEnd(widths[i])).join("  ");
      const live = rows.filter((r) => !r.mutant.equivalent);
      console.log(
        [
          line(head),
          ...body.map(line),
          `IR mutation score: ${live.filter((r) => r.caught).length}/${live.length} caught at ${RUNS} streams (seed ${SEED}); ${live.filter((r) => r.mutant.survivesToday).length} listed as surviving today; ${rows.length - live.length} equivalent`,
          `(equivalent and listed mutants run ${SMOKE_RUNS} streams; streams until caught exclude shrinking)`,
        ].join("\n"),
      );
    });
  });
}
