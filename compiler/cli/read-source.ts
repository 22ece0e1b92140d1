import { readFileSync } from "node:fs";
import { compileSource, type Compilation } from "../pipeline.js";

/** Reads and compiles one file; a missing or unreadable file is a user error with a message, not a crash. */
export function compileFile(path: string): Compilation | { error: string } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      error: `${path}: cannot read the file (${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : String(code)})`,
    };
  }
  return compileSource(path, bytes.toString("utf8"));
}
