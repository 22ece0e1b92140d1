#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { runCheck } from "./check-command.js";
import { runCompile } from "./compile-command.js";
import { runDemo } from "./demo-command.js";
import { runReplay } from "./replay-command.js";
import { runTest } from "./test-command.js";
import { runVerify } from "./verify-command.js";

function wholeNumber(v: string, flag: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`${flag} needs a whole number, got '${v}'`);
  return n;
}

function targetList(v: string): string[] {
  const list = v.split(",").map((t) => t.trim());
  if (list.some((t) => t === "") || new Set(list).size !== list.length)
    throw new InvalidArgumentError(`--targets needs distinct names separated by commas, got '${v}'`);
  return list;
}

function positiveInt(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${flag} needs a positive whole number, got '${v}'`);
  return n;
}

/** Exit codes: 0 ok, 1 a user error (bad source, bad arguments), 2 an internal error. */
const program = new Command()
  .name("lockstep")
  .description(
    "Compile market-making strategies and risk limits to TypeScript that agrees bit for bit with the reference.",
  )
  .exitOverride()
  .showHelpAfterError();

program
  .command("check")
  .description("parse and analyse .lstep files; print diagnostics")
  .argument("<files...>", ".lstep source files")
  .addOption(new Option("--format <format>", "diagnostics as text or json").choices(["text", "json"]).default("text"))
  .action((files: string[], opts: { format: string }) => {
    process.exitCode = runCheck(files, opts.format === "json" ? "json" : "text");
  });

program
  .command("compile")
  .description("compile a .lstep file to a target")
  .argument("<file>", ".lstep source file")
  .option("--target <target>", "ts, wasm or all", "all")
  .option("--out <dir>", "output directory", "build")
  .addOption(new Option("--format <format>", "diagnostics as text or json").choices(["text", "json"]).default("text"))
  .action(async (file: string, opts: { target: string; out: string; format: string }) => {
    process.exitCode = await runCompile(file, opts.target, opts.out, opts.format === "json" ? "json" : "text");
  });

program
  .command("test")
  .description("run every target against the reference interpreter on generated event streams")
  .argument("<file>", ".lstep source file")
  .option("--runs <n>", "number of streams", (v) => positiveInt(v, "--runs"), 1000)
  .option("--seed <s>", "random seed (a run is reproducible from its seed)", (v) => wholeNumber(v, "--seed"), Date.now() % 2 ** 31)
  .option("--targets <list>", "comma-separated targets", targetList, ["ts", "wasm"])
  .option("--time-budget <seconds>", "stop after this many seconds", (v) => positiveInt(v, "--time-budget"))
  .option("--artifacts <dir>", "test the files in DIR written by `lockstep compile` instead of compiling afresh")
  .option("--failures <dir>", "where replay files of failures are written", "lockstep-failures")
  .action(async (file: string, o: { runs: number; seed: number; targets: string[]; timeBudget?: number; artifacts?: string; failures: string }) => {
    const outcome = await runTest(file, {
      runs: o.runs,
      seed: o.seed,
      targets: o.targets,
      timeBudgetSeconds: o.timeBudget,
      artifacts: o.artifacts,
      failures: o.failures,
    });
    process.exitCode = outcome.exitCode;
  });

program
  .command("replay")
  .description("re-run a failing stream saved by `lockstep test` and show where the targets diverge")
  .argument("<file>", "replay file (.json)")
  .action(async (file: string) => {
    process.exitCode = await runReplay(file);
  });

program
  .command("verify")
  .description("compare the artifacts deployed in a directory with a fresh compile of the source, byte for byte")
  .argument("<file>", ".lstep source file")
  .argument("<dir>", "directory written by `lockstep compile --out`")
  .action(async (file: string, dir: string) => {
    process.exitCode = await runVerify(file, dir);
  });

program
  .command("demo")
  .description("compile a file to every target, check agreement on the bundled market data, print where outputs are")
  .argument("<file>", ".lstep source file")
  .option("--out <dir>", "output directory", "build/demo")
  .action(async (file: string, opts: { out: string }) => {
    process.exitCode = await runDemo(file, opts.out);
  });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exitCode = e.exitCode === 0 ? 0 : 1;
  else {
    process.stderr.write(
      `lockstep: internal error: ${e instanceof Error ? e.message : String(e)}\nplease report this with the input that caused it\n`,
    );
    process.exitCode = 2;
  }
}
