import { describe, expect, it } from "vitest";
import { Interpreter } from "../../compiler/interpret.js";
import type { IrProgram } from "../../compiler/ir.js";
import { CaseGenerator } from "../../targets/agreement/case-generator.js";
import { Coverage } from "../../targets/agreement/coverage.js";
import { interpreterEngine } from "../../targets/agreement/engine.js";
import { checkBatch, ReferenceRecorder, type Pending } from "../../targets/agreement/hardware-batch.js";
import { runStream } from "../../targets/agreement/run-agreement.js";
import type { Case } from "../../targets/agreement/scenarios.js";
import { isParamStep, RELOAD } from "../../targets/agreement/streams.js";
import { SimEngine } from "../../targets/hdl/sim-engine.js";
import { Command, type SimChannel } from "../../targets/hdl/sim-protocol.js";
import { compileExample } from "../hdl/example-programs.js";

/**
 * A stand-in circuit that needs no simulator: the sim-protocol commands drive an interpreter, and the
 * replies are its accept flag, state and outputs, with one reply word changed on request.
 */
class InterpreterCircuit implements SimChannel {
  private readonly it: Interpreter;
  private replies: bigint[] = [];
  private events = 0;

  constructor(
    program: IrProgram,
    private readonly corrupt?: { readonly event: number; readonly word: number },
  ) {
    this.it = new Interpreter(program, true);
  }

  send(words: readonly bigint[]): void {
    if (words[0] === Command.reset) this.it.reset(words.slice(1));
    else if (words[0] === Command.reload) this.it.reload(words.slice(1));
    else {
      const [kind, t, a, b, c, d] = words.slice(1).map(Number);
      const reply = [this.it.step(kind, t, a, b, c, d) ? 1n : 0n, ...this.it.state, ...this.it.outputs];
      if (this.corrupt?.event === this.events) reply[this.corrupt.word] += 1n;
      this.events++;
      this.replies.push(...reply);
    }
  }

  exchange(): BigInt64Array {
    const out = BigInt64Array.from(this.replies);
    this.replies = [];
    return out;
  }

  close(): void {}
}

const program = compileExample("examples/grid.lstep");

/** An event after a reload or reset in the stream: its step index is not its event index. */
const eventAfterParams = (k: Case) => {
  const p = k.stream.findIndex(isParamStep);
  return p < 0 ? -1 : k.stream.findIndex((s, i) => i > p && !isParamStep(s));
};

/** Streams of `lockstep test` with the replies the reference recorded for each, until a few have reloads in them. */
function recorded(count: number): Pending[] {
  const coverage = new Coverage(program);
  const generator = new CaseGenerator(program, 5, coverage);
  const recorder = new ReferenceRecorder(program, interpreterEngine(program, coverage));
  const out: Pending[] = [];
  for (let i = 0; out.length < count || out.filter((p) => eventAfterParams(p.case) >= 0).length < 3; i++) {
    const k: Case = generator.next(i);
    expect(runStream(program, k.base, k.stream, recorder.engine, [])).toBeUndefined();
    out.push({ index: i, case: k, expected: recorder.take() });
  }
  return out;
}

describe("comparing a circuit's replies with the reference's recording", () => {
  const batch = recorded(60);
  const per = 1 + program.state.length + program.outputs.length;

  it("finds nothing when every word agrees", () => {
    expect(batch.some((p) => p.case.stream.some((s) => s.kind === RELOAD))).toBe(true);
    expect(checkBatch(program, new SimEngine("verilog", program, new InterpreterCircuit(program)), batch)).toBeUndefined();
  });

  it.each([
    ["the accept flag", 0],
    ["a state slot", 1 + program.state.findIndex((s) => s.name === "position")],
    ["an output", 1 + program.state.length + program.outputs.findIndex((o) => o.name === "reason")],
  ])("names the stream, the step and the slot of one changed word in %s", (_what, word) => {
    // an event of a stream late in the batch that has a parameter step before it: step indices skip those
    const at = batch.findIndex((p, i) => i > 10 && eventAfterParams(p.case) >= 0);
    expect(at).toBeGreaterThan(0);
    const stream = batch[at].case.stream;
    const step = eventAfterParams(batch[at].case);
    const eventsBefore = batch.slice(0, at).reduce((n, p) => n + p.expected.length / per, 0) + stream.slice(0, step).filter((s) => !isParamStep(s)).length;
    const circuit = new SimEngine("verilog", program, new InterpreterCircuit(program, { event: eventsBefore, word }));
    const m = checkBatch(program, circuit, batch);
    expect(m?.at).toBe(at);
    expect(m?.divergence.step).toBe(step);
    const want = batch[at].expected[(eventsBefore - batch.slice(0, at).reduce((n, p) => n + p.expected.length / per, 0)) * per + word];
    const name = word === 0 ? "event accepted" : word <= program.state.length ? `state ${program.state[word - 1].name}` : `output ${program.outputs[word - 1 - program.state.length].name}`;
    expect(m?.divergence.what).toBe(name);
    if (word === 0) expect(m?.divergence.expected).toBe(want === 1n);
    else expect([m?.divergence.expected, m?.divergence.actual]).toEqual([want, want + 1n]);
  });
});
