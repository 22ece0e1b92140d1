import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Set when the process was killed by the timeout (a hang). */
  readonly timedOut: boolean;
}

/** Runs the built CLI (dist/, made by `npm test` before vitest starts) as a user would. */
export function lockstep(...args: string[]): CliRun {
  return lockstepWith({}, ...args);
}

/**
 * The same with options: `nodeArgs` before the script (e.g. a smaller --stack-size), a timeout in ms
 * (a hang becomes `timedOut`, not a stuck test), and a shell pipeline for the output (`| head -1`).
 */
export function lockstepWith(opts: { nodeArgs?: string[]; timeout?: number; pipeTo?: string }, ...args: string[]): CliRun {
  const argv = [...(opts.nodeArgs ?? []), `${ROOT}dist/cli/lockstep.js`, ...args];
  const timeout = opts.timeout ?? 300_000;
  const r = opts.pipeTo
    ? spawnSync("bash", ["-c", `set -o pipefail; "$0" "$@" | ${opts.pipeTo}`, process.execPath, ...argv], { cwd: ROOT, encoding: "utf8", timeout })
    : spawnSync(process.execPath, argv, { cwd: ROOT, encoding: "utf8", timeout });
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === "ETIMEDOUT";
  return { code: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "", timedOut };
}

/** The same, without blocking: several runs of the CLI can then share the machine's cores. */
export function lockstepAsync(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${ROOT}dist/cli/lockstep.js`, ...args], { cwd: ROOT, timeout: 300_000 });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
