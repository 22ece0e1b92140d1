import { readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { parameterVector } from "../compiler/derived-eval.js";
import { compileSource } from "../compiler/pipeline.js";
import { RECORD_SIZE, tapeToRecords } from "../runtime/event-tape.js";
import { readBinanceJsonlGz, repeatTape } from "../runtime/feed/binance-jsonl.js";
import { produceAndCheckInOneThread } from "../runtime/ring/sequence-ends.js";
import { sendSequence } from "../runtime/ring/send-sequence.js";
import { loadRecordStepper } from "../runtime/pipeline/engine-module.js";
import { prepareEngineModule } from "../runtime/pipeline/prepare-engine-module.js";
import { runOneThread } from "../runtime/pipeline/run-one-thread.js";
import { runPipeline } from "../runtime/pipeline/run-pipeline.js";
import { measure } from "./measure.js";

/**
 * Records/s through one ring between two workers, and events/s through the three-worker pipeline
 * (feed → strategy → sink), each against the same work in one thread, in the same run. The machine's
 * cores may be shared: each row says how many cores this process used, its rate per CPU-second used
 * (the work's cost, whatever share of the machine it got), and how busy the machine was.
 */
const EVENTS = Number(process.env.LOCKSTEP_BENCH_EVENTS ?? 1_000_000);
const RING_RECORDS = Number(process.env.LOCKSTEP_BENCH_RING_RECORDS ?? 10_000_000);
const REPS = 3;
const CAPACITY = 4096;
const BATCH = 256;
/** Polls before sleeping, for the spin-then-wait rows. */
const SPIN = 1000;
const EXCERPT = "examples/data/btcusdt-20240808-excerpt.jsonl.gz";

interface Row {
  readonly name: string;
  readonly perSecond: number;
  /** CPU time of this process (all threads) over wall time. */
  readonly cores: number;
  /** Share of the machine's CPU time not idle over the same span, all processes. */
  readonly machineBusy: number;
  /** Garbage collections while timed: in the one thread, or in each worker (feed/strategy/sink). */
  readonly collections: string;
  readonly checksum: number;
}

const cpuTimes = () =>
  cpus().reduce((s, c) => ({ idle: s.idle + c.times.idle, total: s.total + Object.values(c.times).reduce((x, y) => x + y, 0) }), { idle: 0, total: 0 });

/** The median of REPS threaded runs by wall time, with the machine's load over that run. */
async function threaded(
  name: string,
  count: number,
  run: () => Promise<{ seconds: number; cpuSeconds: number; collections: number[]; checksum: number }>,
): Promise<Row> {
  const runs: Row[] = [];
  for (let i = 0; i < REPS; i++) {
    const before = cpuTimes();
    const r = await run();
    const after = cpuTimes();
    const machineBusy = 1 - (after.idle - before.idle) / (after.total - before.total);
    runs.push({ name, perSecond: count / r.seconds, cores: r.cpuSeconds / r.seconds, machineBusy, collections: r.collections.join("/"), checksum: r.checksum });
  }
  if (new Set(runs.map((r) => r.checksum)).size !== 1) throw new Error(`${name}: the checksum changed between runs`);
  return runs.sort((x, y) => x.perSecond - y.perSecond)[REPS >> 1];
}

async function oneThread(name: string, count: number, fn: () => number): Promise<Row> {
  const before = cpuTimes();
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const m = await measure(name, fn, count, { warmup: 2, reps: REPS });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  const after = cpuTimes();
  const machineBusy = 1 - (after.idle - before.idle) / (after.total - before.total);
  return {
    name,
    perSecond: 1e9 / m.nsPerEvent,
    cores: (used.user + used.system) / 1e6 / wall,
    machineBusy,
    collections: String(m.gcCount),
    checksum: m.checksum,
  };
}

function table(title: string, rows: readonly Row[], unit: string): string {
  const base = rows[0].perSecond;
  const header = ["", `${unit}/s`, `vs ${rows[0].name}`, "cores used", `${unit}/CPU-s`, "machine busy", "GCs"];
  const body = rows.map((r) => [
    r.name,
    `${(r.perSecond / 1e6).toFixed(2)}M`,
    `${(r.perSecond / base).toFixed(2)}x`,
    r.cores.toFixed(2),
    `${(r.perSecond / r.cores / 1e6).toFixed(2)}M`,
    `${(100 * r.machineBusy).toFixed(0)}%`,
    r.collections,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [title, line(header), ...body.map(line)].join("\n");
}

async function ringRows(): Promise<Row[]> {
  const rows = [await oneThread("one thread, no ring", RING_RECORDS, () => produceAndCheckInOneThread(RING_RECORDS, RECORD_SIZE).checksum)];
  for (const [label, spin] of [
    ["sleep at once", 0],
    [`spin ${SPIN} then sleep`, SPIN],
  ] as const) {
    const options = { records: RING_RECORDS, capacity: CAPACITY, recordSize: RECORD_SIZE, full: "wait" as const, spin, batch: BATCH };
    rows.push(
      await threaded(`2 workers, ${label}`, RING_RECORDS, async () => {
        const r = await sendSequence(options);
        if (r.received !== r.sent || r.receivedChecksum !== r.sentChecksum || !r.inOrder || !r.intact)
          throw new Error("the ring lost, reordered or damaged records");
        return { ...r, checksum: r.receivedChecksum };
      }),
    );
  }
  return rows;
}

async function pipelineRows(): Promise<Row[]> {
  const path = "examples/avellaneda.lstep";
  const program = compileSource(path, readFileSync(path, "utf8")).ir;
  if (!program) throw new Error(`${path} does not compile`);
  const params = parameterVector(
    program,
    program.params.map((p) => p.default),
  );
  const tape = repeatTape(readBinanceJsonlGz(EXCERPT, { tick: "0.01", lot: "0.00001" }).tape, EVENTS);
  const warmup = tapeToRecords(tape).slice(0, Math.min(EVENTS, 300_000) * RECORD_SIZE);
  const rows: Row[] = [];
  for (const target of ["wasm", "ts"] as const) {
    const module = await prepareEngineModule(program, target);
    const engine = await loadRecordStepper(module, params);
    const alone = await oneThread(`${target}: one thread`, EVENTS, () => runOneThread(engine, tape).checksum);
    rows.push(alone);
    for (const [label, spin] of [
      ["sleep at once", 0],
      [`spin ${SPIN} then sleep`, SPIN],
    ] as const) {
      rows.push(
        await threaded(`${target}: 3 workers, ${label}`, EVENTS, async () => {
          const r = await runPipeline({
            tape,
            module,
            params,
            outputCount: program.outputs.length,
            capacity: CAPACITY,
            full: "wait",
            spin,
            batch: BATCH,
            warmup,
          });
          if (r.records !== EVENTS || r.checksum !== alone.checksum) throw new Error(`${target}: the pipeline's outputs differ from one thread's`);
          return r;
        }),
      );
    }
  }
  return rows;
}

async function main(): Promise<void> {
  const ring = await ringRows();
  const pipeline = await pipelineRows();
  const head = `node ${process.version}, ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)} at the end; rings of ${CAPACITY} records, published every ${BATCH}`;
  const ringTable = table(`${RING_RECORDS} records of ${RECORD_SIZE} float64 through one ring (each checked whole and in order):`, ring, "records");
  const pipelineTable = table(`${EVENTS} events (${EXCERPT} replayed), examples/avellaneda.lstep:`, pipeline, "events");
  process.stdout.write(`${head}\n\n${ringTable}\n\n${pipelineTable}\n`);
  mkdirSync("build", { recursive: true });
  writeFileSync("build/bench-pipeline.json", JSON.stringify({ node: process.version, events: EVENTS, ringRecords: RING_RECORDS, ring, pipeline }, null, 2));
}

await main();
