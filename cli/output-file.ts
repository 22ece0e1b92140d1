import { mkdirSync, realpathSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { outputDirProblem } from "./output-dir.js";

/** Whether two paths name the same file (through links), or would once created. */
export const sameFile = (a: string, b: string) => {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  return real(a) === real(b);
};

/**
 * Writes one output file whole or not at all: a temporary file beside it, renamed into place, so a
 * failure (a full disk, a directory in the way) leaves what was there. Refuses to replace an input.
 * Returns a one-line problem, or undefined once written.
 */
export function writeOutputFile(path: string, data: Uint8Array, inputs: readonly string[]): string | undefined {
  if (path.trim() === "") return "the output file name is empty";
  if (inputs.some((i) => sameFile(i, path))) return `${path} is also an input; choose another output file`;
  const dirProblem = outputDirProblem(dirname(path));
  if (dirProblem) return `cannot write ${path}: ${dirname(path)} ${dirProblem.replace(/^it /, "")}`;
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temp, data);
    renameSync(temp, path);
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "EISDIR" ? "it is a directory" : (code ?? (e as Error).message);
    return `cannot write ${path} (${why}); nothing was written`;
  } finally {
    rmSync(temp, { force: true });
  }
}
