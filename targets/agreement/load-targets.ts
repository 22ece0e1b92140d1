import { basename, join } from "node:path";
import { MAX_ARTIFACT_BYTES, readBoundedFile } from "../../runtime/bounded-file.js";
import type { IrProgram } from "../../compiler/ir.js";
import type { HdlTop } from "../hdl/hdl-top.js";
import { lowerProgram } from "../hdl/lower-program.js";
import type { SimEngine } from "../hdl/sim-engine.js";
import { emitTypeScript } from "../ts/emit-ts.js";
import { loadTsModule, type TsEngine } from "../ts/load-module.js";
import { emitWasm } from "../wasm/emit-wasm.js";
import { loadWasm } from "../wasm/load-wasm.js";
import { typeScriptEngine, wasmEngine, type TargetEngine } from "./engine.js";

export const SOFTWARE_TARGETS = ["ts", "wasm"] as const;
export type SoftwareTarget = (typeof SOFTWARE_TARGETS)[number];
/** Simulated circuits: Verilator runs the Verilog, GHDL the VHDL. */
export const HARDWARE_TARGETS = ["verilog", "vhdl"] as const;
export type HardwareTarget = (typeof HARDWARE_TARGETS)[number];
export const TARGETS = [...SOFTWARE_TARGETS, ...HARDWARE_TARGETS] as const;
export type Target = (typeof TARGETS)[number];

export const isHardware = (t: Target): t is HardwareTarget => (HARDWARE_TARGETS as readonly string[]).includes(t);

/** Where a target's code comes from: compiled now, or files already written by `lockstep compile`. */
export type Origin = { readonly kind: "fresh" } | { readonly kind: "artifacts"; readonly dir: string };

/** The file `lockstep compile` writes for a target: `STEM.ts`, `STEM.wasm`, or the HDL top's `MODULE.v`, `MODULE.vhd`. */
export function artifactPath(program: IrProgram, dir: string, target: Target, top: HdlTop = "engine"): string {
  if (isHardware(target)) return join(dir, `${lowerProgram(program, top).module}.${target === "verilog" ? "v" : "vhd"}`);
  const stem = basename(program.sourcePath).replace(/\.lstep$/, "");
  return join(dir, `${stem}.${target}`);
}

/** An artifact compiled from another version of the source has other slot counts: say so. */
function checkShape(program: IrProgram, params: number, state: number, outputs: number): void {
  const want = [program.params.length + program.derived.length, program.state.length, program.outputs.length];
  const got = [params, state, outputs];
  if (!want.every((w, i) => w === got[i]))
    throw new Error(
      `it was compiled from a different version of ${program.sourcePath} (parameters, state, outputs: ${got.join(", ")}; the source has ${want.join(", ")}); run lockstep compile again`,
    );
}

/** An artifact's bytes, or an Error saying why it cannot be read (missing, special file, too large). */
function readArtifact(path: string): Buffer {
  const bytes = readBoundedFile(path, MAX_ARTIFACT_BYTES);
  if ("error" in bytes) throw new Error(bytes.error);
  return bytes;
}

const ENGINE_METHODS = ["reset", "reload", "step", "stepRecord", "stepBatch"] as const;
const ENGINE_ARRAYS = ["params", "state", "outputs"] as const;

/** A module that loads but is not a Lockstep engine (an unrelated or hand-edited file) is refused. */
function checkEngineShape(module: unknown): asserts module is { Engine: new () => TsEngine } {
  const Engine = (module as { Engine?: unknown } | undefined)?.Engine;
  if (typeof Engine !== "function") throw new Error("it exports no Engine class; it was not written by lockstep compile");
  const engine = new (Engine as new () => Record<string, unknown>)();
  const missing = [
    ...ENGINE_METHODS.filter((m) => typeof engine[m] !== "function"),
    ...ENGINE_ARRAYS.filter((a) => !(engine[a] instanceof Float64Array)),
  ];
  if (missing.length) throw new Error(`its Engine lacks ${missing.join(", ")}; it was not written by lockstep compile`);
}

/**
 * Loads one target engine. An artifact that cannot be read, does not parse, or is not an engine of this
 * program is reported as an error message (the caller exits 1: cannot load), never tested as if it ran.
 */
export async function loadTarget(program: IrProgram, target: SoftwareTarget, origin: Origin): Promise<TargetEngine | { error: string }>;
export async function loadTarget(program: IrProgram, target: Target, origin: Origin, top?: HdlTop): Promise<TargetEngine | SimEngine | { error: string }>;
export async function loadTarget(program: IrProgram, target: Target, origin: Origin, top: HdlTop = "engine"): Promise<TargetEngine | SimEngine | { error: string }> {
  try {
    if (isHardware(target)) return await loadHardware(program, target, origin, top);
    if (target === "ts") {
      const source = origin.kind === "fresh" ? await emitTypeScript(program) : readArtifact(artifactPath(program, origin.dir, "ts")).toString("utf8");
      const module = await loadTsModule(source);
      checkEngineShape(module);
      const engine = new module.Engine();
      checkShape(program, engine.params.length, engine.state.length, engine.outputs.length);
      return typeScriptEngine(engine);
    }
    const bytes = origin.kind === "fresh" ? (await emitWasm(program)).wasm : readArtifact(artifactPath(program, origin.dir, "wasm"));
    const engine = await loadWasm(bytes);
    checkShape(program, engine.paramCount, engine.stateCount, engine.outputs.length);
    return wasmEngine(engine);
  } catch (e) {
    const where = origin.kind === "artifacts" ? ` from ${artifactPath(program, origin.dir, target, top)}` : "";
    return { error: `cannot load the ${target} target${where}: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}` };
  }
}

/**
 * A simulated circuit of one top: the emitted HDL, or the file `compile` wrote. Both simulators are
 * imported only when asked for, so software-only runs never look for Verilator or GHDL.
 */
async function loadHardware(program: IrProgram, target: HardwareTarget, origin: Origin, top: HdlTop): Promise<SimEngine> {
  const text = origin.kind === "artifacts" ? readArtifact(artifactPath(program, origin.dir, target, top)).toString("utf8") : undefined;
  if (target === "verilog") {
    const { loadVerilogEngine } = await import("../verilog/verilator-engine.js");
    return loadVerilogEngine(program, text, top);
  }
  const { loadVhdlEngine } = await import("../vhdl/ghdl-engine.js");
  return loadVhdlEngine(program, text, { top });
}
