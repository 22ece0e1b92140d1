#!/usr/bin/env node
import { availableParallelism } from "node:os";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { inputDirProblem, outputDirProblem } from "./output-dir.js";

/**
 * A reader that went away (`lockstep replay X | head -1`) is not an error: stop quietly, with the exit
 * code so far. Without this, the next write raises EPIPE and Node prints a stack trace.
 */
for (const stream of [process.stdout, process.stderr])
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(typeof process.exitCode === "number" ? process.exitCode : 0);
    // any other failure to write output (a full disk) is the environment, not a compiler bug: one line, exit 1
    if (stream === process.stdout) process.stderr.write(`lockstep: cannot write the output (${e.code ?? e.message})\n`);
    process.exit(1);
  });

/** fast-check seeds are 32-bit: a larger seed would silently run the stream of seed mod 2^32. */
const MAX_SEED = 2 ** 32 - 1;

function seed(v: string): number {
  const n = wholeNumber(v, "--seed");
  if (n > MAX_SEED) throw new InvalidArgumentError(`--seed must be at most ${MAX_SEED} (seeds are 32-bit), got '${v}'`);
  return n;
}

/** An output directory, checked before any work: exists as a directory or can be created, writable, not special. */
function outputDir(flag: string) {
  return (v: string): string => {
    const problem = outputDirProblem(v);
    if (problem) throw new InvalidArgumentError(`${flag} '${v}' cannot hold output: ${problem}`);
    return v;
  };
}

function artifactsDir(v: string): string {
  const problem = inputDirProblem(v);
  if (problem) throw new InvalidArgumentError(`--artifacts '${v}' cannot be read: ${problem}; give the --out directory of lockstep compile`);
  return v;
}

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

function topList(v: string): ("engine" | "gateway")[] {
  const list = targetList(v);
  const bad = list.find((t) => t !== "engine" && t !== "gateway");
  if (bad) throw new InvalidArgumentError(`--tops takes engine and gateway, got '${bad}'`);
  return list as ("engine" | "gateway")[];
}

function proofList(v: string): ("safety" | "equivalence")[] {
  const list = targetList(v);
  const bad = list.find((t) => t !== "safety" && t !== "equivalence");
  if (bad) throw new InvalidArgumentError(`--only takes safety and equivalence, got '${bad}'`);
  return list as ("safety" | "equivalence")[];
}

function positiveInt(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${flag} needs a positive whole number, got '${v}'`);
  return n;
}

function percentage(v: string): number {
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n < 0 || n > 100) throw new InvalidArgumentError(`--min-coverage needs a percentage from 0 to 100, got '${v}'`);
  return n;
}

function bps(v: string, flag: string): number {
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || Math.abs(n) > 10_000) throw new InvalidArgumentError(`${flag} needs basis points between -10000 and 10000, got '${v}'`);
  return n;
}

/** `--speed`: `max` (0 inside: no pacing) or how many times faster than recorded. */
function speed(v: string): number {
  if (v === "max") return 0;
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n <= 0 || n > 1e6) throw new InvalidArgumentError(`--speed takes max or a speed-up from 1e-6 to 1e6 (1: as recorded), got '${v}'`);
  return n;
}

function ringCapacity(v: string): number {
  const n = positiveInt(v, "--ring-capacity");
  if ((n & (n - 1)) !== 0 || n > 1 << 24) throw new InvalidArgumentError(`--ring-capacity must be a power of two up to ${1 << 24}, got '${v}'`);
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
  .action(async (files: string[], opts: { format: string }) => {
    const { runCheck } = await import("./check-command.js");
    process.exitCode = runCheck(files, opts.format === "json" ? "json" : "text");
  });

program
  .command("compile")
  .description("compile a .lstep file to a target")
  .argument("<file>", ".lstep source file")
  .option("--target <target>", "ts, wasm, verilog, vhdl, hdl (both HDLs) or all", "all")
  .option("--out <dir>", "output directory", outputDir("--out"), "build")
  .addOption(new Option("--format <format>", "diagnostics as text or json").choices(["text", "json"]).default("text"))
  .action(async (file: string, opts: { target: string; out: string; format: string }) => {
    const { runCompile } = await import("./compile-command.js");
    process.exitCode = await runCompile(file, opts.target, opts.out, opts.format === "json" ? "json" : "text");
  });

program
  .command("test")
  .description("run every target against the reference interpreter on generated event streams")
  .argument("<file>", ".lstep source file")
  .option("--runs <n>", "number of streams", (v) => positiveInt(v, "--runs"), 1000)
  .option("--seed <s>", "random seed (a run is reproducible from its seed)", seed, Date.now() % 2 ** 31)
  .option("--targets <list>", "comma-separated targets: ts, wasm, verilog (Verilator), vhdl (GHDL), hdl (both), or all", targetList, ["ts", "wasm"])
  .option("--time-budget <seconds>", "stop after this many seconds", (v) => positiveInt(v, "--time-budget"))
  .option("--artifacts <dir>", "test the files in DIR written by `lockstep compile` instead of compiling afresh", artifactsDir)
  .option("--failures <dir>", "where replay files of failures are written", outputDir("--failures"), "lockstep-failures")
  .option("--min-coverage <percent>", "fail when the reference's coverage ends below this percentage", (v) => percentage(v))
  .option("--vhdl-runs <n>", "how many of the streams (the first) also run through GHDL, which is slow (default 40)", (v) => positiveInt(v, "--vhdl-runs"))
  .option("--workers <n>", "worker threads sharing the streams, each from its own seed drawn from --seed (default: the cores; at least 2,000 streams each; hardware targets run in one thread)", (v) => positiveInt(v, "--workers"), availableParallelism())
  .action(async (file: string, o: { runs: number; seed: number; targets: string[]; timeBudget?: number; artifacts?: string; failures: string; minCoverage?: number; vhdlRuns?: number; workers: number }) => {
    const { runTest } = await import("./test-command.js");
    const outcome = await runTest(file, {
      runs: o.runs,
      seed: o.seed,
      targets: o.targets,
      timeBudgetSeconds: o.timeBudget,
      artifacts: o.artifacts,
      failures: o.failures,
      minCoverage: o.minCoverage,
      vhdlRuns: o.vhdlRuns,
      workers: o.workers,
    });
    process.exitCode = outcome.exitCode;
  });

program
  .command("replay")
  .description("re-run a failing stream saved by `lockstep test` and show where the targets diverge")
  .argument("<file>", "replay file (.json)")
  .action(async (file: string) => {
    const { runReplay } = await import("./replay-command.js");
    process.exitCode = await runReplay(file);
  });

program
  .command("verify")
  .description("compare the artifacts deployed in a directory with a fresh compile of the source, byte for byte")
  .argument("<file>", ".lstep source file")
  .argument("<dir>", "directory written by `lockstep compile --out`")
  .action(async (file: string, dir: string) => {
    const { runVerify } = await import("./verify-command.js");
    process.exitCode = await runVerify(file, dir);
  });

program
  .command("step")
  .description("step chosen events through a strategy and print every state and output slot after each")
  .argument("<file>", ".lstep source file")
  .requiredOption("--events <csv>", "events, one per line, under the header kind,t,a,b,c,d")
  .option("--params <json>", "parameter values by name, e.g. { \"gamma\": 0.12 }; the others keep their defaults")
  .addOption(new Option("--format <format>", "table, csv or json").choices(["table", "csv", "json"]).default("table"))
  .option("--raw", "raw integers instead of values in the slots' units", false)
  .addOption(new Option("--target <target>", "the engine that runs the events").choices(["interp", "ts", "wasm"]).default("interp"))
  .action(async (file: string, o: { events: string; params?: string; format: "table" | "csv" | "json"; raw: boolean; target: "interp" | "ts" | "wasm" }) => {
    const { runStep } = await import("./step-command.js");
    process.exitCode = await runStep(file, o);
  });

program
  .command("accuracy")
  .description("measure the exact semantics against the float semantics (no rounding) on market data and one-tick paths")
  .argument("<file>", ".lstep source file")
  .option("--data <file>", "a recording: Binance or Hyperliquid .jsonl[.gz], or an event file from `lockstep import` (default: the bundled excerpt)")
  .action(async (file: string, opts: { data?: string }) => {
    const { runAccuracy } = await import("./accuracy-command.js");
    process.exitCode = await runAccuracy(file, opts);
  });

program
  .command("import")
  .description("convert a recording (Binance or Hyperliquid .jsonl[.gz]) to a binary event file at the program's instrument")
  .argument("<file>", ".lstep source file: its instrument decides ticks and lots")
  .argument("<recording>", "the recording")
  .requiredOption("-o, --out <file>", "the event file to write (.lse)")
  .action(async (file: string, recording: string, o: { out: string }) => {
    const { runImport } = await import("./import-command.js");
    process.exitCode = runImport(file, recording, o.out);
  });

program
  .command("params")
  .description("check parameter values against their declared ranges, compute the derived ones, and write a binary parameter file")
  .argument("<file>", ".lstep source file")
  .argument("<values>", "parameter values by name, e.g. { \"gamma\": 0.12 }; the others keep their defaults")
  .requiredOption("-o, --out <file>", "the parameter file to write (.bin)")
  .action(async (file: string, values: string, o: { out: string }) => {
    const { runParams } = await import("./params-command.js");
    process.exitCode = runParams(file, values, o.out);
  });

program
  .command("backtest")
  .description("run a recording through the compiled strategy, its order manager and risk check, and a simulated exchange; print P&L, fills, rejects")
  .argument("<file>", ".lstep source file")
  .requiredOption("--data <file>", "a recording (Binance or Hyperliquid .jsonl[.gz], or an event file from `lockstep import`), read at the instrument's tick and lot")
  .addOption(new Option("--target <target>", "the compiled engine that runs the strategy").choices(["ts", "wasm"]).default("wasm"))
  .option("--params <file>", "parameter values by name, e.g. { \"gamma\": 0.12 } (the others keep their defaults), or a parameter file from `lockstep params`")
  .option("--log <file>", "write the binary run log (RUN.lsl) here")
  .addOption(new Option("--format <format>", "summary as text or json").choices(["text", "json"]).default("text"))
  .addOption(new Option("--queue <model>", "queue position model").choices(["conservative", "probabilistic"]).default("conservative"))
  .option("--feed-latency <ns>", "market data, exchange to strategy, ns", (v) => wholeNumber(v, "--feed-latency"), 0)
  .option("--order-latency <ns>", "orders to the exchange and replies back, ns each way", (v) => wholeNumber(v, "--order-latency"), 1_000_000)
  .option("--latency-file <csv>", "latencies over time (header t,feed,entry,response; ns), instead of the constants")
  .option("--maker-fee <bps>", "fee on resting fills, basis points of the notional (negative: a rebate)", (v) => bps(v, "--maker-fee"), 0)
  .option("--taker-fee <bps>", "fee on crossing fills, basis points", (v) => bps(v, "--taker-fee"), 0)
  .option("--allow-taker", "let an order that would cross take liquidity instead of being refused (post-only)", false)
  .option("--depth", "give the simulator the recording's level-2 rows: queues known at every price, not only at the best bid and ask", false)
  .option("--log-latency", "also write each tick-to-trade sample (wall clock) into the log: the log is then no longer deterministic", false)
  .action(async (file: string, o: import("./backtest-command.js").BacktestOptions) => {
    const { runBacktestCommand } = await import("./backtest-command.js");
    process.exitCode = await runBacktestCommand(file, o);
  });

program
  .command("report")
  .description("the summary of a run recomputed from its log (RUN.lsl), and with --out a self-contained HTML page of it")
  .argument("<log>", "a run log written by lockstep backtest --log")
  .option("--out <file>", "write the HTML report here (P&L, inventory, quotes and fills, spread captured, rejects, latency)")
  .addOption(new Option("--format <format>", "summary as text or json").choices(["text", "json"]).default("text"))
  .action(async (log: string, o: import("./report-command.js").ReportOptions) => {
    const { runReport } = await import("./report-command.js");
    process.exitCode = runReport(log, o);
  });

program
  .command("run")
  .description("the live shape on a recording: feed, strategy (order manager, risk check, simulated exchange) and logger workers joined by rings; SIGHUP reloads --params")
  .argument("<file>", ".lstep source file")
  .requiredOption("--data <file>", "a recording: Binance or Hyperliquid .jsonl[.gz], or an event file from `lockstep import`")
  .option("--speed <speed>", "1: events at their recorded times (a number: that many times faster); max: as fast as possible", speed, 1)
  .addOption(new Option("--target <target>", "the compiled engine that runs the strategy").choices(["ts", "wasm"]).default("wasm"))
  .option("--params <file>", "a parameter file of `lockstep params` (or values by name as JSON); SIGHUP reads it again")
  .option("--log <file>", "write the binary run log (RUN.lsl) here")
  .addOption(new Option("--ring-policy <policy>", "what a full ring does: wait for its reader, or drop the record and count it").choices(["wait", "drop"]).default("wait"))
  .option("--ring-capacity <n>", "records each ring holds, a power of two", (v) => ringCapacity(v), 4096)
  .addOption(new Option("--format <format>", "summary as text or json").choices(["text", "json"]).default("text"))
  .addOption(new Option("--queue <model>", "queue position model").choices(["conservative", "probabilistic"]).default("conservative"))
  .option("--feed-latency <ns>", "market data, exchange to strategy, ns", (v) => wholeNumber(v, "--feed-latency"), 0)
  .option("--order-latency <ns>", "orders to the exchange and replies back, ns each way", (v) => wholeNumber(v, "--order-latency"), 1_000_000)
  .option("--maker-fee <bps>", "fee on resting fills, basis points of the notional (negative: a rebate)", (v) => bps(v, "--maker-fee"), 0)
  .option("--taker-fee <bps>", "fee on crossing fills, basis points", (v) => bps(v, "--taker-fee"), 0)
  .option("--allow-taker", "let an order that would cross take liquidity instead of being refused (post-only)", false)
  .action(async (file: string, o: import("./run-command.js").RunOptions) => {
    const { runRunCommand } = await import("./run-command.js");
    process.exitCode = await runRunCommand(file, o);
  });

program
  .command("prove")
  .description("prove the risk block's safety properties on the generated Verilog (yosys, k-induction) and each top's Verilog equivalent to its VHDL; a failure writes a VCD")
  .argument("<file>", ".lstep source file")
  .option("--artifacts <dir>", "prove the .v/.vhd files in DIR written by `lockstep compile` instead of compiling afresh", artifactsDir)
  .option("--out <dir>", "where the proof scripts, the logs and a counterexample VCD go", outputDir("--out"), "lockstep-proofs")
  .option("--only <proofs>", "safety, equivalence or both, separated by commas (default: both)", proofList)
  .option("--tops <tops>", "the tops whose Verilog and VHDL are proved equivalent: engine, gateway or both (default: gateway)", topList)
  .option("--max-steps <n>", "longest induction and counterexample, in cycles", (v) => positiveInt(v, "--max-steps"), 6)
  .option("--timeout <seconds>", "give up after this many seconds", (v) => positiveInt(v, "--timeout"), 600)
  .action(async (file: string, o: { artifacts?: string; out: string; only?: ("safety" | "equivalence")[]; tops?: ("engine" | "gateway")[]; maxSteps: number; timeout: number }) => {
    const { runProve } = await import("./prove-command.js");
    const r = await runProve(file, { artifacts: o.artifacts, out: o.out, only: o.only, tops: o.tops, maxSteps: o.maxSteps, timeoutSeconds: o.timeout });
    process.exitCode = r.exitCode;
  });

program
  .command("synth")
  .description("synthesize the Verilog tops (engine, gateway) for iCE40 HX8K and UltraScale+; print LUTs, flip-flops, Fmax, logic levels, latency")
  .argument("<file>", ".lstep source file")
  .option("--out <dir>", "where the Verilog, the table, the report and the tools' logs go", outputDir("--out"), "build/synth")
  .option("--tops <tops>", "engine, gateway or both, separated by commas (default: both)", topList)
  .option("--no-ice40", "skip yosys synth_ice40 and nextpnr-ice40")
  .option("--no-xcup", "skip yosys synth_xilinx -family xcup")
  .option("--seed <n>", "nextpnr's placement seed", (v) => wholeNumber(v, "--seed"), 1)
  .option("--freq <mhz>", "nextpnr's target frequency, MHz (Fmax is what it achieved)", (v) => positiveInt(v, "--freq"), 100)
  .action(async (file: string, o: { out: string; tops?: ("engine" | "gateway")[]; ice40: boolean; xcup: boolean; seed: number; freq: number }) => {
    const { runSynth } = await import("./synth-command.js");
    process.exitCode = runSynth(file, o);
  });

program
  .command("demo")
  .description("compile a file to every target, check agreement on the bundled market data, print where outputs are")
  .argument("<file>", ".lstep source file")
  .option("--out <dir>", "output directory", outputDir("--out"), "build/demo")
  .action(async (file: string, opts: { out: string }) => {
    const { runDemo } = await import("./demo-command.js");
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
