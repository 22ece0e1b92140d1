import type { Diagnostics } from "../language/diagnostic.js";
import { renderDiagnostic } from "../language/render-diagnostic.js";
import { sourceFile, type SourceFile } from "../language/source-file.js";
import { interpreterEngine, type TargetEngine } from "../targets/agreement/engine.js";
import type { IrProgram } from "../compiler/ir.js";
import { parseEventsCsv, type CsvEvent } from "./events-csv.js";
import { readParamVector } from "./param-values.js";
import { MAX_EVENTS_BYTES, readBoundedFile } from "../runtime/bounded-file.js";
import { compileFile } from "./read-source.js";
import { renderSteps, type StepFormat, type StepRow } from "./step-output.js";

/** The reference interpreter, or a freshly compiled module. */
export type StepTarget = "interp" | "ts" | "wasm";

export interface StepOptions {
  readonly events: string;
  readonly params?: string;
  readonly format: StepFormat;
  readonly raw: boolean;
  readonly target: StepTarget;
}

/** A user error, already rendered; the command prints it and exits 1. */
class UserError extends Error {}

function readText(path: string, cap: number): SourceFile {
  const bytes = readBoundedFile(path, cap);
  if ("error" in bytes) throw new UserError(bytes.error);
  return sourceFile(path, bytes.toString("utf8"));
}

function failOn(file: SourceFile, diagnostics: Diagnostics): never {
  throw new UserError(diagnostics.errors().map((d) => renderDiagnostic(file, d)).join("\n\n"));
}

function program(path: string): IrProgram {
  const c = compileFile(path);
  if ("error" in c) throw new UserError(c.error);
  if (!c.ir) throw new UserError(c.diagnostics.errors().map((d) => renderDiagnostic(c.file, d)).join("\n\n"));
  return c.ir;
}

/** The parameter vector every target is reset with: defaults, the values given, then the derived slots. */
function parameters(ir: IrProgram, path: string | undefined): bigint[] {
  const r = readParamVector(ir, path);
  if ("error" in r) throw new UserError(r.error);
  for (const note of r.notes) process.stderr.write(`${note}\n\n`);
  return r.vector;
}

async function engine(ir: IrProgram, target: StepTarget): Promise<TargetEngine> {
  if (target === "interp") return interpreterEngine(ir);
  // the software targets' emitters (ts-morph, prettier, binaryen) load only when one is asked for
  const { loadTarget } = await import("../targets/agreement/load-targets.js");
  const e = await loadTarget(ir, target, { kind: "fresh" });
  if ("error" in e) throw new Error(e.error);
  return e;
}

function run(ir: IrProgram, e: TargetEngine, params: readonly bigint[], events: readonly CsvEvent[]): StepRow[] {
  e.reset(params);
  return events.map((event) => {
    const { kind, t, a, b, c, d } = event.fields;
    const valid = e.step(kind, t, a, b, c, d);
    return {
      event,
      valid,
      state: ir.state.map((_, i) => e.state(i)),
      outputs: ir.outputs.map((_, i) => e.output(i)),
    };
  });
}

/**
 * `lockstep step FILE --events EVENTS.csv`: steps the events through one engine and prints every state
 * and output slot after each. Everything is read and checked before the first event runs, and the
 * output is printed only once every event has run, so an error never leaves half a table.
 */
export async function runStep(sourcePath: string, opts: StepOptions): Promise<number> {
  try {
    const ir = program(sourcePath);
    const eventsFile = readText(opts.events, MAX_EVENTS_BYTES);
    const parsed = parseEventsCsv(eventsFile, ir);
    if (!("events" in parsed)) failOn(eventsFile, parsed.diagnostics);
    const params = parameters(ir, opts.params);
    const rows = run(ir, await engine(ir, opts.target), params, parsed.events);
    process.stdout.write(renderSteps(ir, rows, opts.format, opts.raw));
    return 0;
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    process.stderr.write(`${e.message}\n`);
    return 1;
  }
}
