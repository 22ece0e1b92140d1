import { MAX_SOURCE_BYTES, readBoundedFile } from "../../runtime/bounded-file.js";
import { compileSource, type Compilation } from "../pipeline.js";

/** Reads and compiles one file; a missing, special or oversized file is a user error with a message, not a crash. */
export function compileFile(path: string): Compilation | { error: string } {
  const bytes = readBoundedFile(path, MAX_SOURCE_BYTES);
  if ("error" in bytes) return bytes;
  return compileSource(path, bytes.toString("utf8"));
}
