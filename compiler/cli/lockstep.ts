#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { runCheck } from "./check-command.js";
import { runCompile } from "./compile-command.js";
import { runDemo } from "./demo-command.js";

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
  .option("--format <format>", "text or json", "text")
  .action((files: string[], opts: { format: string }) => {
    process.exitCode = runCheck(files, opts.format === "json" ? "json" : "text");
  });

program
  .command("compile")
  .description("compile a .lstep file to a target")
  .argument("<file>", ".lstep source file")
  .option("--target <target>", "ts or all", "all")
  .option("--out <dir>", "output directory", "build")
  .option("--format <format>", "diagnostics as text or json", "text")
  .action(async (file: string, opts: { target: string; out: string; format: string }) => {
    process.exitCode = await runCompile(file, opts.target, opts.out, opts.format === "json" ? "json" : "text");
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
