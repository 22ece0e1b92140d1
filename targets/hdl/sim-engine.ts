import type { IrProgram } from "../../compiler/ir.js";
import type { TargetEngine } from "../agreement/engine.js";
import { loadable } from "../agreement/run-agreement.js";
import { RELOAD, RESET, type StreamStep } from "../agreement/streams.js";
import { CommandChunks } from "./command-chunks.js";
import { portEvent } from "./event-port.js";
import { PIPE_CHUNK } from "./sim-process.js";
import { Command, type SimChannel } from "./sim-protocol.js";

export type Call =
  | { readonly call: "reset" | "reload"; readonly params: readonly bigint[] }
  | { readonly call: "step"; readonly event: readonly number[]; readonly pin: boolean };

/**
 * The calls runStream makes for a stream: a reset to the base parameters, then each reload or reset the
 * program accepts and each event (with `pins[k]`, if given, the kill pin for step k). None when the
 * program refuses the base parameters.
 */
export function streamCalls(program: IrProgram, base: readonly bigint[], stream: readonly StreamStep[], pins?: readonly boolean[]): Call[] {
  const params = loadable(program, base);
  if (!params) return [];
  const calls: Call[] = [{ call: "reset", params }];
  for (const [k, e] of stream.entries()) {
    if (e.kind === RELOAD || e.kind === RESET) {
      const next = loadable(program, e.params!);
      if (next) calls.push({ call: e.kind === RESET ? "reset" : "reload", params: next });
    } else calls.push({ call: "step", event: [e.kind, e.t, e.a, e.b, e.c, e.d], pin: pins?.[k] ?? false });
  }
  return calls;
}

/**
 * A TargetEngine over a simulation process. Each step is a round trip through the process, unless the
 * stream was `prepare`d: then the whole stream went through in one exchange, and the calls the harness
 * makes (which must be the prepared ones, in order) are answered from the recorded replies.
 */
export class SimEngine implements TargetEngine {
  readonly readableAfterReset = false;
  private readonly replyWords: number;
  private last: BigInt64Array = new BigInt64Array(0);
  private lastAt = 0;
  private script: Call[] = [];
  private recorded: BigInt64Array = new BigInt64Array(0);
  private cursor = 0;
  private stepIndex = 0;
  private scriptOffset = 0;
  private prepared: { readonly script: Call[]; readonly offset: number }[] = [];
  private pin = false;

  constructor(
    readonly name: string,
    private readonly program: IrProgram,
    private readonly sim: SimChannel,
  ) {
    this.replyWords = 1 + program.state.length + program.outputs.length;
  }

  reset(params: readonly bigint[]): void {
    if (this.replay({ call: "reset", params })) return;
    this.sim.send([Command.reset, ...params]);
  }

  reload(params: readonly bigint[]): void {
    if (this.replay({ call: "reload", params })) return;
    this.sim.send([Command.reload, ...params]);
  }

  /** The kill pin (kill-pin.ts) for the events stepped after this call; a top without one ignores it. */
  setKillPin(on: boolean): void {
    this.pin = on;
  }

  step(kind: number, t: number, a: number, b: number, c: number, d: number): boolean {
    const event = [kind, t, a, b, c, d];
    if (this.replay({ call: "step", event, pin: this.pin })) {
      this.last = this.recorded;
      this.lastAt = this.scriptOffset + this.stepIndex++ * this.replyWords;
    } else {
      this.sim.send([Command.pin, this.pin ? 1n : 0n]);
      this.sim.send([Command.event, ...portEvent(kind, t, a, b, c, d)], this.replyWords);
      this.last = this.sim.exchange(Command.flush);
      this.lastAt = 0;
    }
    return this.last[this.lastAt] === 1n;
  }

  state(i: number): bigint {
    return this.last[this.lastAt + 1 + i];
  }

  output(i: number): bigint {
    return this.last[this.lastAt + 1 + this.program.state.length + i];
  }

  /**
   * Runs a stream through the simulation in one exchange, making the calls runStream will make for it
   * (reset, then each reload the program accepts and each event), and records the replies.
   */
  prepare(base: readonly bigint[], stream: readonly StreamStep[]): void {
    this.prepareAll([[base, stream]]);
    this.select(0);
  }

  /**
   * Runs many streams in one exchange (a batch simulator starts once); `select(i)` replays stream i.
   * `pins[i][k]`, if given, is the kill pin for step k of stream i (setKillPin before each step then).
   */
  prepareAll(cases: readonly (readonly [readonly bigint[], readonly StreamStep[]])[], pins?: readonly (readonly boolean[])[]): void {
    this.prepared = [];
    this.script = [];
    this.cursor = 0;
    let offset = 0;
    const pin = { on: false };
    for (const [i, [base, stream]] of cases.entries()) {
      const calls = streamCalls(this.program, base, stream, pins?.[i]);
      this.sendCalls(calls, pin);
      this.prepared.push({ script: calls, offset });
      offset += calls.filter((c) => c.call === "step").length * this.replyWords;
    }
    if (pin.on) this.sim.send([Command.pin, 0n]);
    this.recorded = this.sim.exchange(Command.flush);
  }

  /**
   * Runs many streams in one exchange and returns their replies, stream after stream: `replyWords`
   * words per event (event_ok, each state slot, each output). Nothing is kept for `step` to replay.
   */
  runAll(cases: readonly (readonly [readonly bigint[], readonly StreamStep[]])[]): BigInt64Array {
    if (!this.sim.exchangeChunks) {
      for (const [base, stream] of cases) this.sendCalls(streamCalls(this.program, base, stream), { on: false });
      return this.sim.exchange(Command.flush);
    }
    const chunks = new CommandChunks(PIPE_CHUNK, this.replyWords);
    for (const [base, stream] of cases)
      for (const c of streamCalls(this.program, base, stream))
        if (c.call === "step") chunks.event(c.event[0], c.event[1], c.event[2], c.event[3], c.event[4], c.event[5]);
        else chunks.params(c.call === "reset" ? Command.reset : Command.reload, c.params);
    const bytes = this.sim.exchangeChunks(chunks.finish());
    return new BigInt64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
  }

  /** Words per event in the replies: event_ok, every state slot, every output. */
  get wordsPerEvent(): number {
    return this.replyWords;
  }

  /** Sends the calls; `pin` is the pin the simulation holds, updated when a step needs another. */
  private sendCalls(calls: readonly Call[], pin: { on: boolean }): void {
    for (const c of calls)
      if (c.call === "step") {
        if (c.pin !== pin.on) this.sim.send([Command.pin, c.pin ? 1n : 0n]);
        pin.on = c.pin;
        this.sim.send([Command.event, ...portEvent(...(c.event as [number, number, number, number, number, number]))], this.replyWords);
      } else this.sim.send([c.call === "reset" ? Command.reset : Command.reload, ...c.params]);
  }

  select(i: number): void {
    this.script = this.prepared[i].script;
    this.scriptOffset = this.prepared[i].offset;
    this.cursor = 0;
    this.stepIndex = 0;
  }

  /** True when the call was prepared (and is answered from the recording). */
  private replay(call: Call): boolean {
    if (this.cursor >= this.script.length) return false;
    const want = this.script[this.cursor++];
    const same =
      want.call === call.call &&
      (want.call === "step"
        ? want.pin === (call as { pin: boolean }).pin && want.event.every((v, i) => Object.is(v, (call as { event: readonly number[] }).event[i]))
        : want.params.every((v, i) => v === (call as { params: readonly bigint[] }).params[i]));
    if (!same) throw new Error(`internal: ${this.name} was prepared for another stream (call ${this.cursor - 1})`);
    return true;
  }

  close(): void {
    this.sim.close();
  }
}
