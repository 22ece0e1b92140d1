import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lowerProgram } from "../../targets/hdl/lower-program.js";
import { lockstepAsync } from "../cli/run-cli.js";
import { compileExample } from "./example-programs.js";
import { ensureHdlTools } from "./hdl-tools.js";
import { HDL_MUTANTS, type HdlExample, type HdlLanguage, type HdlMutant } from "./hdl-mutants.js";

export const SEED = "1";
/** CLI runs at once: vitest gives a file one worker on a 2-core machine, and each run is one process. */
const CORES = 2;
/** Streams per Verilator run: it stops at the first disagreement, and the models run ~10^6 events/s. */
const VERILOG_RUNS = "3000";
/**
 * Streams through GHDL (a few 10^3 events/s). The aimed scenarios come first, and GHDL's batches grow
 * from 4 streams to 32, so a mutant costs the streams up to the batch that catches it (the latest, the
 * ln ROM entry, at stream 210).
 */
const VHDL_RUNS = "256";

/** At most `limit` tasks at a time. */
class Slots {
  private busy = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    // a finished task hands its slot to the next waiting one
    if (this.busy < this.limit) this.busy++;
    else await new Promise<void>((go) => this.waiting.push(go));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.busy--;
    }
  }
}

interface Row {
  readonly mutant: HdlMutant;
  readonly caught: boolean;
  readonly found?: number;
}

/** GHDL streams for a mutant listed as surviving: its run can only refute the listing (the Verilog one runs all its streams). */
const VHDL_SMOKE_RUNS = "40";

/** The options of `lockstep test` for one language, as a user would give them. */
const targetArgs = (language: HdlLanguage, vhdlRuns = VHDL_RUNS): string[] =>
  language === "verilog" ? ["--targets", "verilog", "--runs", VERILOG_RUNS] : ["--targets", "vhdl", "--runs", vhdlRuns, "--vhdl-runs", vhdlRuns];

/**
 * The HDL mutation score of one language over some examples. Each example is compiled once with
 * `lockstep compile --target all --out DIR`; each mutant copies DIR, mutates its one file, and runs
 * `lockstep test FILE --artifacts COPY --targets LANGUAGE` through the CLI, which must exit 1 with a
 * disagreement of that language and a replay file. The unmutated artifacts must pass too.
 */
export function describeHdlMutationScore(language: HdlLanguage, examples: readonly HdlExample[]): void {
  describe(`HDL mutation score (${language}): lockstep test --artifacts catches bugs in the emitted ${language === "verilog" ? "Verilog" : "VHDL"}`, () => {
    const work = mkdtempSync(join(tmpdir(), `lockstep-hdl-mutants-${language}-`));
    const rows: Row[] = [];
    const cores = new Slots(CORES);
    beforeAll(ensureHdlTools, 600_000);
    afterAll(() => rmSync(work, { recursive: true, force: true }));

    beforeAll(async () => {
      const compiled = await Promise.all(examples.map((e) => lockstepAsync("compile", `examples/${e}.lstep`, "--target", "all", "--out", join(work, e))));
      for (const c of compiled) expect(c.stderr).toBe("");
    }, 300_000);

    for (const example of examples) {
      const source = `examples/${example}.lstep`;
      const clean = join(work, example);
      const mutants = HDL_MUTANTS.filter((m) => m.example === example && m.language === language);

      it.concurrent(`${example}: the unmutated artifacts pass`, async () => {
        const r = await cores.run(() => lockstepAsync("test", source, "--artifacts", clean, ...targetArgs(language), "--seed", SEED, "--failures", join(clean, "failures")));
        expect(r.stderr).toBe("");
        expect(r.code).toBe(0);
        // both tops that compile wrote were simulated, each with its own row
        expect(r.stdout).toMatch(new RegExp(`^${language} +\\d+`, "m"));
        expect(r.stdout).toMatch(new RegExp(`^${language} gateway +\\d+`, "m"));
      }, 600_000);

      it.concurrent.each(mutants.map((m, i) => [m.name, m, i] as const))(`${example}: %s`, async (_name, m, i) => {
        const program = compileExample(source);
        const file = `${lowerProgram(program, m.top).module}.${language === "verilog" ? "v" : "vhd"}`;
        const dir = join(work, `${example}-${i}`);
        cpSync(clean, dir, { recursive: true, filter: (p) => !p.includes("failures") });
        const original = readFileSync(join(dir, file), "utf8");
        const mutated = m.apply(original, program);
        expect(mutated).not.toBe(original);
        writeFileSync(join(dir, file), mutated);
        const failures = join(dir, "failures");
        const r = await cores.run(() => lockstepAsync("test", source, "--artifacts", dir, ...targetArgs(language, m.survivesToday ? VHDL_SMOKE_RUNS : VHDL_RUNS), "--seed", SEED, "--failures", failures));
        const caught = r.code === 1 && new RegExp(`^DISAGREEMENT: ${language}( gateway)? differs`, "m").test(r.stdout);
        const found = /found by stream (\d+)/.exec(r.stdout);
        rows.push({ mutant: m, caught, found: found ? Number(found[1]) : undefined });
        if (m.survivesToday) {
          // listed as surviving: a catch means the entry moves back among the caught ones
          expect(caught, `caught now: move it back among the caught ones (${m.survivesToday})`).toBe(false);
          expect(r.code, r.stderr).toBe(0);
          return;
        }
        if (m.equivalent) {
          // its argument's facts hold on the program, and no stream refutes it
          expect(() => m.equivalent!.check(program), m.equivalent.argument).not.toThrow();
          expect(r.code, `an equivalent mutant was caught: ${m.equivalent.argument}`).toBe(0);
          return;
        }
        expect(r.stderr, "lockstep test runs the mutant").toBe("");
        expect(r.code, "lockstep test reports the disagreement").toBe(1);
        expect(caught, r.stdout.slice(0, 400)).toBe(true);
        const replay = /^replay it: lockstep replay (\S+)$/m.exec(r.stdout);
        expect(replay && existsSync(replay[1]), "the replay file is written").toBe(true);
        rmSync(dir, { recursive: true, force: true });
      }, 600_000);
    }

    // after the concurrent ones: vitest runs a describe's sequential tests once its concurrent ones are done
    it("reports the score", () => {
      console.log(renderScore(language, examples, rows));
      const want = HDL_MUTANTS.filter((m) => m.language === language && examples.includes(m.example) && !m.equivalent && !m.survivesToday).length;
      expect(rows.filter((r) => r.caught).length).toBe(want);
    });
  });
}

/** The table: per example, caught / equivalent / total, then each mutant with the stream that caught it. */
export function renderScore(language: HdlLanguage, examples: readonly HdlExample[], rows: readonly Row[]): string {
  const lines = [`HDL mutation score, ${language} (lockstep test --artifacts, seed ${SEED})`, "example     caught  equivalent  surviving  total"];
  for (const e of examples) {
    const mine = rows.filter((r) => r.mutant.example === e);
    const total = HDL_MUTANTS.filter((m) => m.language === language && m.example === e).length;
    const equivalent = mine.filter((r) => r.mutant.equivalent && !r.caught).length;
    const surviving = mine.filter((r) => r.mutant.survivesToday && !r.caught).length;
    lines.push(`${e.padEnd(10)}  ${String(mine.filter((r) => r.caught).length).padStart(6)}  ${String(equivalent).padStart(10)}  ${String(surviving).padStart(9)}  ${String(total).padStart(5)}`);
  }
  lines.push("", "mutant                                                                             caught  by stream");
  const ordered = [...rows].sort((a, b) => HDL_MUTANTS.indexOf(a.mutant) - HDL_MUTANTS.indexOf(b.mutant));
  for (const r of ordered) lines.push(`${`${r.mutant.example}: ${r.mutant.name}`.padEnd(82)} ${(r.caught ? "yes" : "NO").padStart(6)}  ${String(r.found ?? "-").padStart(9)}`);
  return lines.join("\n");
}
