import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";

/** A source file larger than this is refused: real strategies are a few kilobytes. */
export const MAX_SOURCE_BYTES = 1 << 20;
/** Artifacts (emitted modules) and replay files may be larger, but not unbounded. */
export const MAX_ARTIFACT_BYTES = 64 << 20;
/** `lockstep step` prints a row per event: about 100,000 events, far more than one reads in a table. */
export const MAX_EVENTS_BYTES = 4 << 20;

const sizeText = (bytes: number) => (bytes >= 1 << 20 ? `${bytes / (1 << 20)} MiB` : `${bytes / 1024} KiB`);

function kindOf(stat: import("node:fs").Stats): string {
  if (stat.isDirectory()) return "a directory";
  if (stat.isFIFO()) return "a pipe (FIFO)";
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return "a device";
  if (stat.isSocket()) return "a socket";
  return "not a regular file";
}

/**
 * Reads a regular file of at most `cap` bytes. Devices, pipes and directories are refused before any
 * read (`/dev/zero` never ends); the cap holds even for files whose size the kernel reports as 0 (/proc).
 */
export function readBoundedFile(path: string, cap: number): Buffer | { error: string } {
  let fd: number;
  try {
    // non-blocking: opening a FIFO for reading would otherwise wait for a writer
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : String(code);
    return { error: `${path}: cannot read the file (${why})` };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { error: `${path}: cannot read the file (it is ${kindOf(stat)}; give a regular file)` };
    const tooBig = { error: `${path}: the file is larger than ${sizeText(cap)}, the limit for this input` };
    if (stat.size > cap) return tooBig;
    const chunks: Buffer[] = [];
    let total = 0;
    // one read for a file whose size the kernel knows (a large recording); small chunks otherwise (/proc)
    let size = Math.max(stat.size + 1, 1 << 16);
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(size, cap + 1 - total));
      size = 1 << 16;
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > cap) return tooBig;
    }
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { error: `${path}: cannot read the file (${code === "EISDIR" ? "it is a directory" : String(code)})` };
  } finally {
    closeSync(fd);
  }
}
