import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Runs the built CLI (dist/, made by `npm test` before vitest starts) as a user would. */
export function lockstep(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [`${ROOT}dist/compiler/cli/lockstep.js`, ...args], { cwd: ROOT, encoding: "utf8", timeout: 300_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The same, without blocking: several runs of the CLI can then share the machine's cores. */
export function lockstepAsync(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${ROOT}dist/compiler/cli/lockstep.js`, ...args], { cwd: ROOT, timeout: 300_000 });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
