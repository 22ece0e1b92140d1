import { accessSync, constants, realpathSync, statSync } from "node:fs";
import { dirname, resolve, sep } from "node:path";

/** Kernel and device trees: writing there hangs (/proc), fails late (/dev/null is not a directory) or is harmful. */
const SPECIAL_ROOTS = ["/proc", "/sys", "/dev"];

const under = (path: string, root: string) => path === root || path.startsWith(root + sep);

/**
 * Why `dir` cannot be an output directory, or undefined when it can: it must be a directory or creatable
 * as one (its nearest existing ancestor a writable directory), writable, and outside /proc, /sys and /dev.
 * Checked when options are parsed, before any work, so a bad option costs nothing.
 */
export function outputDirProblem(dir: string): string | undefined {
  if (dir.trim() === "") return "the directory name is empty";
  let existing = resolve(dir);
  for (;;) {
    try {
      statSync(existing);
      break;
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return "no part of the path exists";
      existing = parent;
    }
  }
  const real = realpathSync(existing);
  const special = SPECIAL_ROOTS.find((root) => under(real, root));
  if (special) return `it is under ${special}, which holds kernel or device files, not output`;
  if (!statSync(real).isDirectory())
    return existing === resolve(dir) ? "it exists and is not a directory" : `${existing} is not a directory`;
  try {
    accessSync(real, constants.W_OK | constants.X_OK);
  } catch {
    return `${existing === resolve(dir) ? "it" : existing} is not writable`;
  }
  return undefined;
}

/** Why `dir` cannot be read as a directory of artifacts, or undefined. */
export function inputDirProblem(dir: string): string | undefined {
  if (dir.trim() === "") return "the directory name is empty";
  try {
    if (!statSync(dir).isDirectory()) return "it is not a directory";
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT" ? "it does not exist" : `it cannot be read (${(e as NodeJS.ErrnoException).code})`;
  }
  return undefined;
}
