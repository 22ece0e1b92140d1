import { execFile, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import type { IrProgram } from "../../compiler/ir.js";
import { HDL_CACHE } from "../hdl/cache-dir.js";
import { topProgram, type HdlTop } from "../hdl/hdl-top.js";
import { lowerProgram } from "../hdl/lower-program.js";
import { SimEngine } from "../hdl/sim-engine.js";
import { SimProcess } from "../hdl/sim-process.js";
import { printVerilog } from "./emit-verilog.js";
import { verilatorConfig, verilatorDriver } from "./verilator-driver.js";

const run = promisify(execFile);

/**
 * The program's Verilog, simulated by Verilator: one C++ model per program and top, built once and
 * cached by a hash of the Verilog, the driver and the Verilator version. `verilog` is the text to
 * simulate (the emitted one unless given, e.g. a file `lockstep compile` wrote). The engine's state and
 * outputs are those of the top's program (topProgram: the gateway has fewer).
 */
export async function loadVerilogEngine(program: IrProgram, verilog?: string, top: HdlTop = "engine"): Promise<SimEngine> {
  const binary = await buildVerilatorModel(program, verilog, top);
  return new SimEngine(top === "engine" ? "verilog" : `verilog ${top}`, topProgram(program, top), new SimProcess(binary, []));
}

/** The path of the top's model (built now, or found in the cache): it reads argv[1], writes argv[2]. */
export async function buildVerilatorModel(program: IrProgram, verilog?: string, top: HdlTop = "engine"): Promise<string> {
  const netlist = lowerProgram(program, top);
  return buildModel(netlist.module, verilog ?? printVerilog(netlist), verilatorDriver(netlist), verilatorConfig(netlist));
}

function verilatorVersion(): string {
  const v = spawnSync("verilator", ["--version"], { encoding: "utf8" });
  if (v.error || v.status !== 0) throw new Error("verilator is not installed: run scripts/install-hdl-tools.sh");
  return v.stdout.trim();
}

async function buildModel(module: string, verilog: string, driver: string, config: string): Promise<string> {
  const version = verilatorVersion();
  const hash = createHash("sha256").update(version).update("\0").update(verilog).update("\0").update(driver).update("\0").update(config).digest("hex").slice(0, 20);
  const dir = join(HDL_CACHE, `${module}-${hash}`);
  const binary = join(dir, "sim");
  if (existsSync(binary)) return binary;
  // built aside and renamed into place, so a concurrent run never sees half a model
  const work = `${dir}.building-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, `${module}.v`), verilog);
  writeFileSync(join(work, "driver.cpp"), driver);
  writeFileSync(join(work, "public.vlt"), config);
  const obj = join(work, "obj");
  const runtime = runtimeCache(version);
  try {
    await run("verilator", ["--cc", "--exe", "-O3", "-CFLAGS", MODEL_CFLAGS, "--top-module", module, "--Mdir", "obj", "public.vlt", `${module}.v`, "driver.cpp", "-o", "../sim"], {
      cwd: work,
      maxBuffer: 64 * 1024 * 1024,
    });
    // Verilator's run-time library is the same for every model: compiled once, it is copied in after
    // verilating (make rebuilds objects older than the generated makefile), and make skips it
    if (runtime.cached) for (const o of RUNTIME_OBJECTS) copyFileSync(join(runtime.dir, o), join(obj, o));
    await run("make", ["-C", "obj", "-f", `V${module}.mk`, "-j", "1"], { cwd: work, maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`verilator could not build ${module}: ${(err.stderr ?? err.message).split("\n").slice(0, 8).join("\n")}`);
  }
  if (!runtime.cached) keepRuntime(obj, runtime.dir);
  rmSync(obj, { recursive: true, force: true });
  if (!existsSync(binary)) renameSync(work, dir);
  else rmSync(work, { recursive: true, force: true });
  return binary;
}

/** C++ optimization of the model's own code. */
const MODEL_CFLAGS = "-O1";
/** The objects of Verilator's run-time library that make builds into every model (about 5 s of g++). */
const RUNTIME_OBJECTS = ["verilated.o", "verilated_dpi.o", "verilated_threads.o"];

/** Where the run-time library's objects for this Verilator and C++ compiler are kept, and whether they are there. */
function runtimeCache(version: string): { readonly dir: string; readonly cached: boolean } {
  const cxx = spawnSync("g++", ["--version"], { encoding: "utf8" }).stdout ?? "";
  const hash = createHash("sha256").update(version).update("\0").update(cxx).update("\0").update(MODEL_CFLAGS).digest("hex").slice(0, 20);
  const dir = join(HDL_CACHE, `verilator-runtime-${hash}`);
  return { dir, cached: RUNTIME_OBJECTS.every((o) => existsSync(join(dir, o))) };
}

/** Keeps the run-time objects of a successful build for the next one (written aside, renamed into place). */
function keepRuntime(obj: string, dir: string): void {
  const aside = `${dir}.building-${process.pid}`;
  rmSync(aside, { recursive: true, force: true });
  mkdirSync(aside, { recursive: true });
  for (const o of RUNTIME_OBJECTS) copyFileSync(join(obj, o), join(aside, o));
  try {
    renameSync(aside, dir);
  } catch {
    // another run kept them first
    rmSync(aside, { recursive: true, force: true });
  }
}
