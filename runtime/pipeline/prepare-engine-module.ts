import type { IrProgram } from "../../compiler/ir.js";
import { emitTypeScript } from "../../targets/ts/emit-ts.js";
import { transpileEngine } from "../../targets/ts/load-module.js";
import { emitWasm } from "../../targets/wasm/emit-wasm.js";
import type { EngineModule } from "./engine-module.js";

/** Compiles the program for a strategy worker, in the thread that has the compiler loaded. */
export async function prepareEngineModule(program: IrProgram, target: EngineModule["target"]): Promise<EngineModule> {
  switch (target) {
    case "ts":
      return { target, js: transpileEngine(await emitTypeScript(program)) };
    case "wasm":
      return { target, bytes: (await emitWasm(program)).wasm };
    default:
      return target satisfies never;
  }
}
