import { closeSync, openSync, writeSync } from "node:fs";
import { MAX_SOURCE_BYTES, readBoundedFile } from "../runtime/bounded-file.js";
import { renderSummary } from "../runtime/backtest/summary.js";
import { createReloadControl, ReloadRequester } from "../runtime/live/reload-control.js";
import { runLive, type LiveRun } from "../runtime/live/run-live.js";
import { outputLayout } from "../runtime/orders/output-layout.js";
import { PARAM_FILE_MAGIC, readParamFile } from "../runtime/param-file.js";
import { prepareEngineModule } from "../runtime/pipeline/prepare-engine-module.js";
import type { FullPolicy } from "../runtime/ring/ring-layout.js";
import type { IrProgram } from "../compiler/ir.js";
import { paramLayout } from "../compiler/param-layout.js";
import { hasRiskCheck, logHeader, parameters, program, recording, simulator, summaryTitle, summaryUnits, unitsNote, UserError, type SimulatorOptions } from "./backtest-command.js";
import { readParamVector } from "./param-values.js";

export interface RunOptions extends Omit<SimulatorOptions, "latencyFile"> {
  readonly data: string;
  readonly target: "ts" | "wasm";
  readonly params?: string;
  readonly log?: string;
  readonly format: "text" | "json";
  /** Recorded time per wall time; 0: as fast as possible (`--speed max`). */
  readonly speed: number;
  readonly ringPolicy: FullPolicy;
  readonly ringCapacity: number;
}

/**
 * `lockstep run FILE --data REC`: the live shape of the system on a recording. A feed worker, a
 * strategy worker (the backtest's engine, order manager, risk check and simulator) and a logger worker
 * joined by rings; SIGHUP reloads `--params` between two events once the file is validated in full.
 */
export async function runRunCommand(file: string, opts: RunOptions): Promise<number> {
  try {
    const { ir, text } = program(file);
    const layout = outputLayout(ir.outputs.map((o) => o.name));
    if ("error" in layout) throw new UserError(`${file}: cannot run: ${layout.error}`);
    const params = parameters(ir, opts.params);
    const { config, settings } = simulator(opts);
    const { tape } = recording(opts.data, ir, false);
    const module = await prepareEngineModule(ir, opts.target);
    const control = createReloadControl(params.length);
    const fd = opts.log ? openLog(opts.log, logHeader(ir, text, opts.data, settings)) : -1;
    const reloader = opts.params ? new Reloader(ir, opts.params, new ReloadRequester(control)) : undefined;
    const onHangUp = () => (reloader ? reloader.signal() : process.stderr.write("lockstep run: SIGHUP: no --params file to reload; ignored\n"));
    process.on("SIGHUP", onHangUp);
    const started = () => {
      if (reloader) process.stderr.write(`lockstep run: running as pid ${process.pid}; kill -HUP ${process.pid} reloads ${opts.params}\n`);
    };
    let run: LiveRun;
    try {
      run = await runLive({
        tape,
        module,
        params,
        layout,
        riskCheck: hasRiskCheck(ir, layout),
        config,
        units: summaryUnits(ir),
        speed: opts.speed,
        capacity: opts.ringCapacity,
        full: opts.ringPolicy,
        logFd: fd,
        reload: control,
      }, started);
    } finally {
      process.off("SIGHUP", onHangUp);
      reloader?.stop();
      if (fd >= 0) closeSync(fd);
    }
    const speed = opts.speed === 0 ? "max" : `${opts.speed}x`;
    if (opts.format === "json") {
      const { summary, ...live } = run;
      process.stdout.write(`${JSON.stringify({ program: ir.name, data: opts.data, target: opts.target, speed, simulator: settings, ...summary, ...live }, null, 2)}\n`);
    } else {
      process.stdout.write(renderSummary(run.summary, `${summaryTitle(ir, opts.data, opts.target, settings)}, live at speed ${speed}`));
      process.stdout.write(liveLines(run));
      process.stdout.write(unitsNote(ir));
      if (opts.log) process.stdout.write(`  log: ${opts.log} (${run.logRecords} records)\n`);
    }
    return 0;
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    process.stderr.write(`lockstep: ${e.message}\n`);
    return 1;
  }
}

function liveLines(run: LiveRun): string {
  const rings = run.rings.map((r) => `${r.name} ${r.records.toLocaleString("en-US")} records, ${r.dropped.toLocaleString("en-US")} dropped`);
  const { capacity, policy } = run.rings[0];
  const c = run.collections;
  return [
    `  rings         ${rings.join("; ")} (${capacity} records each, ${policy} when full)`,
    `  GCs           feed ${c.feed}, strategy ${c.strategy}, logger ${c.logger} (during the run)`,
    `  reloads       ${run.reloads.applied} applied, ${run.reloads.refused} refused`,
    "",
  ].join("\n");
}

function openLog(path: string, header: Uint8Array): number {
  try {
    const fd = openSync(path, "w");
    writeSync(fd, header);
    return fd;
  } catch (e) {
    throw new UserError(`${path}: cannot write the log (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/**
 * SIGHUP: the parameter file read again and validated in full here, in the main thread; only a valid
 * vector goes to the strategy worker, which swaps it in between two events. One reload at a time: a
 * signal while one is pending waits for it.
 */
class Reloader {
  private readonly binary: boolean;
  private queued = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly ir: IrProgram,
    private readonly path: string,
    private readonly requester: ReloadRequester,
  ) {
    const bytes = readBoundedFile(path, MAX_SOURCE_BYTES);
    this.binary = !("error" in bytes) && bytes.subarray(0, 8).toString("latin1") === PARAM_FILE_MAGIC;
  }

  signal(): void {
    this.queued++;
    this.next();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private next(): void {
    if (this.stopped || this.queued === 0 || this.timer) return;
    if (this.requester.pending) return this.later();
    this.queued--;
    const r = this.read();
    if ("error" in r) {
      process.stderr.write(`lockstep run: ${r.error}; the parameters in use are kept\n`);
      this.requester.request(undefined);
      return this.later();
    }
    this.requester.request(r.values);
    this.watch();
  }

  private later(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.next();
    }, 2);
  }

  /** Reports the swap once the strategy has made it. */
  private watch(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.requester.pending) return this.watch();
      process.stderr.write(`lockstep run: ${this.path}: reloaded, the new parameters apply from the event after t = ${this.requester.appliedAt} ns\n`);
      this.next();
    }, 2);
  }

  /** The file as at start: a parameter file of `lockstep params` must stay one; a values file is checked as at start. */
  private read(): { values: bigint[] } | { error: string } {
    if (!this.binary) {
      const r = readParamVector(this.ir, this.path);
      return "error" in r ? r : { values: r.vector };
    }
    const bytes = readBoundedFile(this.path, MAX_SOURCE_BYTES);
    if ("error" in bytes) return bytes;
    const r = readParamFile(bytes, paramLayout(this.ir));
    return "error" in r ? { error: `${this.path}: the parameter file is refused: ${r.error}` } : r;
  }
}
