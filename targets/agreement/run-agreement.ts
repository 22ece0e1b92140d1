import { ParameterError, parameterVector } from "../../compiler/derived-eval.js";
import type { IrProgram } from "../../compiler/ir.js";
import { EVENT_KIND_NAMES } from "../../runtime/event-tape.js";
import type { TargetEngine } from "./engine.js";
import { RELOAD, type StreamStep } from "./streams.js";

export interface Divergence {
  /** Index of the step after which the engines first differ. */
  readonly step: number;
  readonly target: string;
  readonly what: string;
  readonly expected: bigint | boolean;
  readonly actual: bigint | boolean;
}

/**
 * Runs one stream through the reference and every other engine, comparing the accept flag, every
 * state slot and every output after each step. Returns the first divergence, or undefined.
 */
export function runStream(
  program: IrProgram,
  base: readonly bigint[],
  stream: readonly StreamStep[],
  reference: TargetEngine,
  targets: readonly TargetEngine[],
): Divergence | undefined {
  const params = loadable(program, base);
  // a parameter set the program refuses is refused by every target alike: nothing to compare
  if (!params) return undefined;
  reference.reset(params);
  for (const t of targets) t.reset(params);
  for (let i = 0; i < stream.length; i++) {
    const e = stream[i];
    if (e.kind === RELOAD) {
      const next = loadable(program, e.params!);
      if (!next) continue;
      reference.reload(next);
      for (const t of targets) t.reload(next);
      continue;
    }
    let ok: boolean;
    try {
      ok = reference.step(e.kind, e.t, e.a, e.b, e.c, e.d);
    } catch (err) {
      // the checked interpreter throws when a value escapes its proven range: a compiler bug
      return { step: i, target: reference.name, what: `the reference step (${err instanceof Error ? err.message : String(err)})`, expected: true, actual: false };
    }
    for (const t of targets) {
      let got: boolean;
      try {
        got = t.step(e.kind, e.t, e.a, e.b, e.c, e.d);
      } catch (err) {
        // a trap or exception in a target is a disagreement: the reference completed the step
        return { step: i, target: t.name, what: `the step (it threw: ${err instanceof Error ? err.message : String(err)})`, expected: ok, actual: false };
      }
      if (got !== ok) return { step: i, target: t.name, what: "event accepted", expected: ok, actual: got };
      for (let s = 0; s < program.state.length; s++)
        if (t.state(s) !== reference.state(s))
          return { step: i, target: t.name, what: `state ${program.state[s].name}`, expected: reference.state(s), actual: t.state(s) };
      for (let o = 0; o < program.outputs.length; o++)
        if (t.output(o) !== reference.output(o))
          return { step: i, target: t.name, what: `output ${program.outputs[o].name}`, expected: reference.output(o), actual: t.output(o) };
    }
  }
  return undefined;
}

/** The parameter vector, or undefined when a checked derived parameter refuses the set. */
export function loadable(program: IrProgram, base: readonly bigint[]): bigint[] | undefined {
  try {
    return parameterVector(program, base);
  } catch (e) {
    if (e instanceof ParameterError) return undefined;
    throw e;
  }
}

export function describeStep(e: StreamStep): string {
  if (e.kind === RELOAD) return `reload parameters [${e.params!.join(", ")}]`;
  return `${EVENT_KIND_NAMES[e.kind] ?? `kind ${e.kind}`} t=${e.t} a=${e.a} b=${e.b} c=${e.c} d=${e.d}`;
}
