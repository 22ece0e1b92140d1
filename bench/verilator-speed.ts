/**
 * Simulation speed of the Verilog target in `lockstep test`, per example: events/s of the Verilator
 * model alone (its driver reads a command file and writes a reply file: no host, no pipes), through
 * the harness's exchange (encoding, named pipes, the model, reply bytes), and what the reference costs
 * around it (the interpreter stepping the same events and recording the replies to compare with).
 *
 *   npx tsc -p tsconfig.json && node dist/bench/verilator-speed.js [examples/grid.lstep ...] [--events N]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileSource } from "../compiler/pipeline.js";
import type { IrProgram } from "../compiler/ir.js";
import { CaseGenerator } from "../targets/agreement/case-generator.js";
import { Coverage } from "../targets/agreement/coverage.js";
import { interpreterEngine } from "../targets/agreement/engine.js";
import { ReferenceRecorder } from "../targets/agreement/hardware-batch.js";
import { runStream } from "../targets/agreement/run-agreement.js";
import type { Case } from "../targets/agreement/scenarios.js";
import { CommandChunks } from "../targets/hdl/command-chunks.js";
import { streamCalls } from "../targets/hdl/sim-engine.js";
import { PIPE_CHUNK } from "../targets/hdl/sim-process.js";
import { Command } from "../targets/hdl/sim-protocol.js";
import { buildVerilatorModel, loadVerilogEngine } from "../targets/verilog/verilator-engine.js";

const args = process.argv.slice(2);
const eventsAt = args.indexOf("--events");
const TARGET_EVENTS = eventsAt >= 0 ? Number(args[eventsAt + 1]) : 2_000_000;
const files = args.filter((a) => a.endsWith(".lstep"));
const examples = files.length ? files : ["examples/grid.lstep", "examples/avellaneda.lstep", "examples/glft.lstep"];

function compile(path: string): IrProgram {
  const c = compileSource(path, readFileSync(path, "utf8"));
  if (!c.ir) throw new Error(`${path} does not compile`);
  return c.ir;
}

/** The cases of a `lockstep test` run, repeated until there are TARGET_EVENTS events. */
function cases(ir: IrProgram): Case[] {
  const coverage = new Coverage(ir);
  const gen = new CaseGenerator(ir, 1, coverage);
  const reference = interpreterEngine(ir, coverage);
  const one: Case[] = [];
  for (let i = 0; i < 2_000; i++) {
    const k = gen.next(i);
    runStream(ir, k.base, k.stream, reference, []);
    gen.feedback(k, true);
    one.push(k);
  }
  const perRound = one.reduce((n, k) => n + k.stream.length, 0);
  return Array.from({ length: Math.max(1, Math.ceil(TARGET_EVENTS / perRound)) }, () => one).flat();
}

const rate = (events: number, ms: number) => `${((events / ms) * 1000 / 1e6).toFixed(2)} M events/s`;
/** CPU milliseconds of this process since `from`: on a shared machine, wall time also counts the others. */
const cpuMs = (from: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
};
const line = (what: string, events: number, wallMs: number, cpu: number, whose: string) =>
  `  ${what.padEnd(46)} wall ${(wallMs / 1000).toFixed(2).padStart(6)} s ${rate(events, wallMs).padStart(16)}   CPU (${whose}) ${(cpu / 1000).toFixed(2).padStart(6)} s ${rate(events, cpu).padStart(16)}\n`;

for (const path of examples) {
  const ir = compile(path);
  const all = cases(ir);
  const chunks = new CommandChunks(PIPE_CHUNK, 1 + ir.state.length + ir.outputs.length);
  let events = 0;
  for (const k of all)
    for (const c of streamCalls(ir, k.base, k.stream))
      if (c.call === "step") {
        chunks.event(c.event[0], c.event[1], c.event[2], c.event[3], c.event[4], c.event[5]);
        events++;
      } else chunks.params(c.call === "reset" ? Command.reset : Command.reload, c.params);
  const dir = mkdtempSync(join(tmpdir(), "lockstep-speed-"));
  writeFileSync(join(dir, "commands.bin"), Buffer.concat(chunks.finish().map((c) => c.bytes)));
  const binary = await buildVerilatorModel(ir);
  // the driver's timing mode: commands from memory, replies kept in memory, the loop timed inside
  const alone = spawnSync(binary, [join(dir, "commands.bin"), "/dev/null", "--time"], { encoding: "utf8" });
  if (alone.status !== 0) throw new Error(`the model failed: ${alone.stderr}`);
  const timing = /events (\d+) ns (\d+) cpu_ns (\d+)/.exec(alone.stderr);
  if (!timing || Number(timing[1]) !== events) throw new Error(`the model ran ${timing?.[1]} of ${events} events`);
  const modelMs = Number(timing[2]) / 1e6;
  const modelCpuMs = Number(timing[3]) / 1e6;
  if (process.env.LOCKSTEP_KEEP_COMMANDS) process.stdout.write(`commands kept in ${dir} (model ${binary})\n`);
  else rmSync(dir, { recursive: true, force: true });

  const sim = await loadVerilogEngine(ir);
  let t0 = performance.now();
  let cpu0 = process.cpuUsage();
  sim.runAll(all.map((k) => [k.base, k.stream] as const));
  const exchangeMs = performance.now() - t0;
  const exchangeCpuMs = cpuMs(cpu0);
  sim.close();

  const recorder = new ReferenceRecorder(ir, interpreterEngine(ir));
  t0 = performance.now();
  cpu0 = process.cpuUsage();
  for (const k of all) {
    runStream(ir, k.base, k.stream, recorder.engine, []);
    recorder.take();
  }
  const referenceMs = performance.now() - t0;
  const referenceCpuMs = cpuMs(cpu0);
  process.stdout.write(
    `${ir.name}: ${events} events in ${all.length} streams\n` +
      line("the model alone (from memory, timed inside)", events, modelMs, modelCpuMs, "model") +
      line("the harness's exchange (encode, pipes, model)", events, exchangeMs, exchangeCpuMs, "host") +
      line("the reference, recording the replies", events, referenceMs, referenceCpuMs, "host"),
  );
}
