import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { IrProgram } from "../../compiler/ir.js";
import { HDL_CACHE } from "../hdl/cache-dir.js";
import { topProgram, type HdlTop } from "../hdl/hdl-top.js";
import { lowerProgram } from "../hdl/lower-program.js";
import { SimEngine } from "../hdl/sim-engine.js";
import { Command, METAVALUE, type SimChannel } from "../hdl/sim-protocol.js";
import { printVhdl } from "./emit-vhdl.js";
import { ghdlTestbench, TESTBENCH } from "./ghdl-testbench.js";
import { probeVariant } from "./probe-variant.js";

/**
 * The program's VHDL, simulated by GHDL. GHDL runs in batches: every command queued before an exchange
 * goes into one vector file and one simulator run, so use SimEngine.prepareAll for many streams at once.
 * The simulated entity is the probe variant (the same architecture, state registers also on ports) of
 * `vhdl` (a file `lockstep compile` wrote) or, without it, of the emitted VHDL, for the `top` (the engine
 * unless given; the gateway's state and outputs are its slice's). With `vcd`, every simulator run writes
 * its waveforms to that file.
 */
export function loadVhdlEngine(program: IrProgram, vhdl?: string, options: { readonly vcd?: string; readonly top?: HdlTop } = {}): SimEngine {
  const top = options.top ?? "engine";
  const netlist = lowerProgram(program, top);
  const design = vhdl === undefined ? printVhdl(netlist, { probeState: true }) : probeVariant(vhdl, netlist);
  const dir = analyse(design, ghdlTestbench(netlist));
  // GHDL runs in the cached work library: the waveform path must not be relative
  return new SimEngine(top === "engine" ? "vhdl" : `vhdl ${top}`, topProgram(program, top), new GhdlBatch(dir, options.vcd === undefined ? undefined : resolve(options.vcd)));
}

function ghdl(args: readonly string[], cwd?: string): { status: number | null; stdout: string; stderr: string; error?: Error } {
  return spawnSync("ghdl", args, { cwd, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
}

/** Analyses the design and testbench once per distinct text, into a cached work library. */
function analyse(design: string, testbench: string): string {
  const version = ghdl(["--version"]);
  if (version.error || version.status !== 0) throw new Error("ghdl is not installed: run scripts/install-hdl-tools.sh");
  const hash = createHash("sha256").update(version.stdout).update("\0").update(design).update("\0").update(testbench).digest("hex").slice(0, 20);
  const dir = join(HDL_CACHE, `ghdl-${hash}`);
  if (existsSync(join(dir, "done"))) return dir;
  const work = `${dir}.building-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, "design.vhd"), design);
  writeFileSync(join(work, "testbench.vhd"), testbench);
  const r = ghdl(["-a", "--std=08", "design.vhd", "testbench.vhd"], work);
  if (r.status !== 0) throw new Error(`ghdl could not analyse the VHDL: ${(r.stderr || r.stdout).split("\n").slice(0, 8).join("\n")}`);
  writeFileSync(join(work, "done"), "");
  if (!existsSync(join(dir, "done"))) {
    rmSync(dir, { recursive: true, force: true });
    renameSync(work, dir);
  } else rmSync(work, { recursive: true, force: true });
  return dir;
}

const hex = (w: bigint) => BigInt.asUintN(64, w).toString(16).padStart(16, "0");

/**
 * Queued commands become lines of a vector file; an exchange is one `ghdl --elab-run`. A simulation
 * starts from nothing each run, so the commands since the last reset that earlier runs already replied
 * to are run again first and their replies dropped: stepping event by event is correct, only slow.
 */
class GhdlBatch implements SimChannel {
  private pending: { readonly line: string; readonly replies: number; readonly reset: boolean }[] = [];
  private history: { readonly line: string; readonly replies: number; readonly reset: boolean }[] = [];

  constructor(
    private readonly workdir: string,
    private readonly vcd?: string,
  ) {}

  send(words: readonly bigint[], replyWords = 0): void {
    this.pending.push({ line: words.map(hex).join(" "), replies: replyWords ? 1 : 0, reset: words[0] === Command.reset });
  }

  exchange(): BigInt64Array {
    const all = [...this.history, ...this.pending];
    const skip = this.history.reduce((n, c) => n + c.replies, 0);
    const expected = all.reduce((n, c) => n + c.replies, 0);
    const lastReset = all.map((c) => c.reset).lastIndexOf(true);
    this.history = lastReset < 0 ? all : all.slice(lastReset);
    this.pending = [];
    const dir = mkdtempSync(join(tmpdir(), "lockstep-ghdl-"));
    try {
      const commands = join(dir, "commands.txt");
      const replies = join(dir, "replies.txt");
      writeFileSync(commands, all.map((c) => c.line).join("\n") + "\n");
      // metavalue warnings before the first reset are expected: every register is reset before use
      const r = ghdl(["--elab-run", "--std=08", TESTBENCH, `-gcommands=${commands}`, `-greplies=${replies}`, "--ieee-asserts=disable", ...(this.vcd ? [`--vcd=${this.vcd}`] : [])], this.workdir);
      if (r.status !== 0) throw new Error(`the GHDL simulation failed: ${(r.stderr || r.stdout).split("\n").slice(0, 6).join("\n")}`);
      const rows = readFileSync(replies, "utf8").split("\n").filter((l) => l.trim());
      if (rows.length !== expected) throw new Error(`the GHDL simulation replied to ${rows.length} of ${expected} events`);
      const words = rows.slice(skip).flatMap((l) => l.trim().split(/\s+/));
      return BigInt64Array.from(words.map((h) => (/^[0-9a-f]{16}$/i.test(h) ? BigInt.asIntN(64, BigInt(`0x${h}`)) : METAVALUE)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  close(): void {}
}
