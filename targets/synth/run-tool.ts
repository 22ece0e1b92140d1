import { spawnSync } from "node:child_process";

/** A synthesis or place-and-route tool failed: which one, and the end of what it said. */
export class SynthToolError extends Error {}

/**
 * Runs a tool to completion and returns its combined output. A missing tool, a non-zero exit or a
 * timeout is a SynthToolError that names the tool and quotes the last lines it printed.
 */
export function runTool(tool: string, args: readonly string[], cwd: string, timeoutMs: number): string {
  const r = spawnSync(tool, args, { cwd, encoding: "utf8", timeout: timeoutMs, maxBuffer: 1 << 28 });
  const output = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  if (r.error) {
    const missing = (r.error as NodeJS.ErrnoException).code === "ENOENT";
    throw new SynthToolError(
      missing
        ? `${tool} is not installed: run scripts/install-hdl-tools.sh`
        : `${tool} did not finish (${r.error.message}); last output:\n${tail(output)}`,
    );
  }
  if (r.status !== 0) throw new SynthToolError(`${tool} ${args.join(" ")} failed (exit ${r.status}):\n${tail(output)}`);
  return output;
}

function tail(text: string, lines = 20): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}
