import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { IrProgram } from "../../compiler/ir.js";
import { emitTypeScript } from "../ts/emit-ts.js";
import { loadTsModule } from "../ts/load-module.js";
import { emitWasm } from "../wasm/emit-wasm.js";
import { loadWasm } from "../wasm/load-wasm.js";
import { typeScriptEngine, wasmEngine, type TargetEngine } from "./engine.js";

export const SOFTWARE_TARGETS = ["ts", "wasm"] as const;
export type SoftwareTarget = (typeof SOFTWARE_TARGETS)[number];

/** Where a target's code comes from: compiled now, or files already written by `lockstep compile`. */
export type Origin = { readonly kind: "fresh" } | { readonly kind: "artifacts"; readonly dir: string };

export function artifactPath(program: IrProgram, dir: string, target: SoftwareTarget): string {
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

/** Loads one target engine; an unreadable or corrupt artifact is reported as an error message. */
export async function loadTarget(program: IrProgram, target: SoftwareTarget, origin: Origin): Promise<TargetEngine | { error: string }> {
  try {
    if (target === "ts") {
      const source = origin.kind === "fresh" ? await emitTypeScript(program) : readFileSync(artifactPath(program, origin.dir, "ts"), "utf8");
      const engine = new (await loadTsModule(source)).Engine();
      checkShape(program, engine.params.length, engine.state.length, engine.outputs.length);
      return typeScriptEngine(engine);
    }
    const bytes = origin.kind === "fresh" ? (await emitWasm(program)).wasm : readFileSync(artifactPath(program, origin.dir, "wasm"));
    const engine = await loadWasm(bytes);
    checkShape(program, engine.paramCount, engine.stateCount, engine.outputs.length);
    return wasmEngine(engine);
  } catch (e) {
    const where = origin.kind === "artifacts" ? ` from ${artifactPath(program, origin.dir, target)}` : "";
    return { error: `cannot load the ${target} target${where}: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}` };
  }
}
