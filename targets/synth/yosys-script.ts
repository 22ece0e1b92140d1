import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runTool } from "./run-tool.js";

/** read_verilog for every file, then the top's parameter overrides. */
export function readCommands(files: readonly string[], top: string, parameters: Readonly<Record<string, number>>): string[] {
  return [
    ...files.map((f) => `read_verilog ${JSON.stringify(f)}`),
    ...Object.entries(parameters).map(([k, v]) => `chparam -set ${k} ${v} ${top}`),
  ];
}

/** Runs a yosys script in `dir`, logging to NAME.log. */
export function runYosys(script: readonly string[], name: string, dir: string, timeoutMs = 600_000): void {
  writeFileSync(join(dir, `${name}.ys`), script.join("\n") + "\n");
  runTool("yosys", ["-q", "-l", `${name}.log`, "-s", `${name}.ys`], dir, timeoutMs);
}
