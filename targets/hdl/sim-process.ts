import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Chunk } from "./command-chunks.js";
import type { SimChannel } from "./sim-protocol.js";

/**
 * A simulation process spoken to synchronously through two named pipes: the harness steps engines one
 * call at a time, and a child's stdio in Node is asynchronous only. Commands are int64 words
 * (sim-protocol.ts); `send` queues them, `exchange` writes the queue and reads a number of reply words.
 *
 * Deadlock-free by construction: a batch is written whole before any reply is read, so every batch
 * must fit the pipe buffer (64 KiB on Linux); `exchange` splits larger ones.
 */
/** Bytes per write and per read: well below the 64 KiB a Linux pipe holds. */
export const PIPE_CHUNK = 32 * 1024;
const LIMIT = PIPE_CHUNK;

export class SimProcess implements SimChannel {
  private readonly dir: string;
  private readonly child: ChildProcess;
  private readonly toSim: number;
  private readonly fromSim: number;
  private queue: { readonly words: readonly bigint[]; readonly replyWords: number }[] = [];
  private exitInfo: string | undefined;

  /** `command` runs with the paths of its input and output pipes appended (or substituted for {in}, {out}). */
  constructor(command: string, args: readonly string[], cwd?: string) {
    this.dir = mkdtempSync(join(tmpdir(), "lockstep-sim-"));
    const input = join(this.dir, "in");
    const output = join(this.dir, "out");
    const made = spawnSync("mkfifo", [input, output]);
    if (made.status !== 0) throw new Error(`mkfifo failed: ${made.stderr}`);
    const argv = args.some((a) => a.includes("{in}"))
      ? args.map((a) => a.replace("{in}", input).replace("{out}", output))
      : [...args, input, output];
    this.child = spawn(command, argv, { cwd, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    this.child.stderr!.on("data", (d) => (stderr += String(d)));
    this.child.on("exit", (code, signal) => (this.exitInfo = `exited (${signal ?? code}) ${stderr.trim().split("\n").slice(-3).join(" / ")}`));
    this.child.unref();
    // the child opens its input first, then its output; opening a pipe blocks until both ends are open
    this.toSim = openSync(input, "w");
    this.fromSim = openSync(output, "r");
  }

  send(words: readonly bigint[], replyWords = 0): void {
    this.queue.push({ words, replyWords });
  }

  /**
   * Writes every queued command and reads the replies they produce. Each write (with a flush command at
   * its end) is small enough that its commands and its replies both fit their pipes: neither side can
   * block the other.
   */
  exchange(flush: bigint): BigInt64Array {
    const queue = this.queue;
    this.queue = [];
    const total = queue.reduce((n, c) => n + c.replyWords, 0);
    const reply = Buffer.alloc(total * 8);
    let read = 0;
    for (let i = 0; i < queue.length; ) {
      const words: bigint[] = [];
      let expected = 0;
      while (i < queue.length && (words.length === 0 || (words.length + queue[i].words.length) * 8 < LIMIT && (expected + queue[i].replyWords) * 8 < LIMIT)) {
        words.push(...queue[i].words);
        expected += queue[i].replyWords;
        i++;
      }
      words.push(flush);
      const bytes = Buffer.alloc(words.length * 8);
      words.forEach((w, k) => bytes.writeBigInt64LE(w, k * 8));
      for (let written = 0; written < bytes.length; ) written += writeSync(this.toSim, bytes, written, bytes.length - written);
      const end = read + expected * 8;
      while (read < end) {
        const got = readSync(this.fromSim, reply, read, end - read, null);
        if (got === 0) throw new Error(`the simulation ${this.exitInfo ?? "closed its output"}`);
        read += got;
      }
    }
    return new BigInt64Array(reply.buffer, reply.byteOffset, total);
  }

  /** Writes each chunk (built by command-chunks.ts, each within PIPE_CHUNK) and reads its replies; returns them all. */
  exchangeChunks(chunks: readonly Chunk[]): Buffer {
    const reply = Buffer.alloc(chunks.reduce((n, c) => n + c.replyBytes, 0));
    let read = 0;
    for (const c of chunks) {
      for (let written = 0; written < c.bytes.length; ) written += writeSync(this.toSim, c.bytes, written, c.bytes.length - written);
      const end = read + c.replyBytes;
      while (read < end) {
        const got = readSync(this.fromSim, reply, read, end - read, null);
        if (got === 0) throw new Error(`the simulation ${this.exitInfo ?? "closed its output"}`);
        read += got;
      }
    }
    return reply;
  }

  close(): void {
    closeSync(this.toSim);
    closeSync(this.fromSim);
    this.child.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
