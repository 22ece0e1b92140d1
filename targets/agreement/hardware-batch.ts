import type { IrProgram } from "../../compiler/ir.js";
import type { SimEngine } from "../hdl/sim-engine.js";
import type { TargetEngine } from "./engine.js";
import type { Divergence } from "./run-agreement.js";
import type { Case } from "./scenarios.js";
import { isParamStep } from "./streams.js";

/**
 * The reference, recording what a simulated circuit must reply after each event: event_ok, every state
 * slot, every output, as int64 words in the circuit's reply layout. The reference runs once per stream
 * (in runStream, for the software targets and the coverage); circuits are compared with the recording.
 */
export class ReferenceRecorder {
  readonly engine: TargetEngine;
  /** int64 words as (low, high) int32 pairs: the reference's values are safe integers, written without a BigInt. */
  private halves = new Int32Array(1 << 13);
  private used = 0;

  constructor(
    private readonly program: IrProgram,
    reference: TargetEngine,
  ) {
    const { state, outputs } = program;
    this.engine = {
      ...reference,
      step: (k, t, a, b, c, d) => {
        const ok = reference.step(k, t, a, b, c, d);
        if (2 * (this.used + this.wordsPerEvent) > this.halves.length) this.grow();
        this.put(ok ? 1 : 0);
        for (let i = 0; i < state.length; i++) this.put(reference.stateNumber ? reference.stateNumber(i) : Number(reference.state(i)));
        for (let i = 0; i < outputs.length; i++) this.put(reference.outputNumber ? reference.outputNumber(i) : Number(reference.output(i)));
        return ok;
      },
    };
  }

  /** One safe integer as an int64 word: the low 32 bits, then the high ones (floor keeps the sign). */
  private put(x: number): void {
    const at = 2 * this.used++;
    this.halves[at] = x >>> 0;
    this.halves[at + 1] = Math.floor(x / 2 ** 32);
  }

  /** The replies recorded since the last call. */
  take(): BigInt64Array {
    const out = new BigInt64Array(this.halves.slice(0, 2 * this.used).buffer);
    this.used = 0;
    return out;
  }

  private grow(): void {
    const bigger = new Int32Array(this.halves.length * 2);
    bigger.set(this.halves.subarray(0, 2 * this.used));
    this.halves = bigger;
  }

  get wordsPerEvent(): number {
    return 1 + this.program.state.length + this.program.outputs.length;
  }
}

/** A stream waiting for a circuit, with the replies the reference recorded for it. */
export interface Pending {
  readonly index: number;
  readonly case: Case;
  readonly expected: BigInt64Array;
}

/** The first stream of a batch whose replies differ, and where. */
export interface BatchMismatch {
  readonly at: number;
  readonly divergence: Divergence;
}

/**
 * Runs a batch of streams through a circuit in one exchange and compares every reply word with the
 * reference's recording (a byte compare per stream: the common case, agreement, costs a memcmp).
 */
export function checkBatch(program: IrProgram, sim: SimEngine, batch: readonly Pending[]): BatchMismatch | undefined {
  if (!batch.length) return undefined;
  const replies = sim.runAll(batch.map((p) => [p.case.base, p.case.stream] as const));
  const got = Buffer.from(replies.buffer, replies.byteOffset, replies.byteLength);
  let offset = 0;
  for (let at = 0; at < batch.length; at++) {
    const want = batch[at].expected;
    const bytes = want.byteLength;
    const mine = got.subarray(offset, offset + bytes);
    offset += bytes;
    if (mine.equals(Buffer.from(want.buffer, want.byteOffset, bytes))) continue;
    return { at, divergence: firstDifference(program, sim.name, batch[at].case, want, new BigInt64Array(replies.buffer, replies.byteOffset + offset - bytes, want.length)) };
  }
  if (offset !== got.byteLength) throw new Error(`internal: ${sim.name} replied ${got.byteLength / 8} words, the reference recorded ${offset / 8}`);
  return undefined;
}

/** The step, slot and values of the first differing reply word. */
function firstDifference(program: IrProgram, target: string, c: Case, want: BigInt64Array, got: BigInt64Array): Divergence {
  const per = 1 + program.state.length + program.outputs.length;
  const events = c.stream.flatMap((s, i) => (isParamStep(s) ? [] : [i]));
  let w = 0;
  while (w < want.length && want[w] === got[w]) w++;
  const step = events[Math.floor(w / per)];
  const slot = w % per;
  if (slot === 0) return { step, target, what: "event accepted", expected: want[w] === 1n, actual: got[w] === 1n };
  const s = slot - 1;
  const what = s < program.state.length ? `state ${program.state[s].name}` : `output ${program.outputs[s - program.state.length].name}`;
  return { step, target, what, expected: want[w], actual: got[w] };
}
