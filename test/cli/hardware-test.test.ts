import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureHdlTools } from "../hdl/hdl-tools.js";
import { lockstep } from "./run-cli.js";

/** A file no other test knows: the hardware targets must take it as they take the examples. */
const SKEW = `
instrument SOL { tick = 0.001 lot = 0.01 multiplier = 1 price in [1, 2_000_000] ticks qty in [0, 50_000] lots position in [-20_000, 20_000] lots }
params {
  spread : price = 5   in [1, 200]
  alpha  : fix<4.12> = 0.5 in [0, 1]
  size   : qty   = 25  in [1, 500]
}
strategy Skew on SOL {
  state last_mid : fix<22.8> ticks = 0 in [0, 2_000_000]
  on book {
    last_mid = sat(last_mid + (mid - last_mid) * alpha)
    quote bid = floor_tick(last_mid - spread), ask = ceil_tick(last_mid + spread), qty = size
  }
}
risk Guard on SOL {
  max_position 15_000
  max_order_qty 400
  price_band 80 ticks around mid
  max_messages 8 per 1s
}
`;

/** A directory holding skew.lstep and what `lockstep compile` wrote for it. */
function compiled(): { dir: string; src: string } {
  const dir = mkdtempSync(join(tmpdir(), "lockstep-hw-"));
  const src = join(dir, "skew.lstep");
  writeFileSync(src, SKEW);
  const c = lockstep("compile", src, "--out", dir);
  expect(c.stderr).toBe("");
  return { dir, src };
}

/** The first adder of a file made a subtractor: a hand edit that changes what the circuit computes. */
function tamper(path: string, adder: RegExp): void {
  const text = readFileSync(path, "utf8");
  const edited = text.replace(adder, "$1 - ");
  expect(edited).not.toBe(text);
  writeFileSync(path, edited);
}

beforeAll(ensureHdlTools);

describe("lockstep test --targets verilog,vhdl", () => {
  it("runs the Verilog through Verilator on every stream and the VHDL through GHDL on the first ones, all in agreement, with their coverage", () => {
    const { dir, src } = compiled();
    const r = lockstep("test", src, "--targets", "verilog,vhdl", "--runs", "400", "--vhdl-runs", "25", "--seed", "9", "--failures", dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Skew: all targets agree with the reference");
    const verilog = /^verilog\s+(\d+)\s+(\d+)\s+0\s+[\d.]+ s\s+([\d.]+) %$/m.exec(r.stdout);
    const vhdl = /^vhdl\s+(\d+)\s+(\d+)\s+0\s+[\d.]+ s\s+([\d.]+) %$/m.exec(r.stdout);
    const reference = /^interpreter\s+400\s+(\d+)\s+\(reference\)\s+[\d.]+ s\s+([\d.]+) %$/m.exec(r.stdout);
    expect(verilog?.[1]).toBe("400");
    expect(vhdl?.[1]).toBe("25");
    // Verilator ran every event the reference ran; its coverage is the reference's over all streams
    expect(verilog?.[2]).toBe(reference?.[1]);
    expect(verilog?.[3]).toBe(reference?.[2]);
    expect(Number(vhdl![2])).toBeGreaterThan(25);
    expect(Number(vhdl![3])).toBeGreaterThan(20);
    expect(Number(vhdl![3])).toBeLessThanOrEqual(Number(reference![2]));
  }, 600_000);
});

describe("lockstep test --artifacts on hand-edited HDL", () => {
  it("catches a tampered .v, writes a replay file and a VCD, and lockstep replay shows the verilog column", () => {
    const { dir, src } = compiled();
    tamper(join(dir, "skew_engine.v"), /(wire signed \[\d+:0\] \w+_add = \w+) \+ /);
    const r = lockstep("test", src, "--artifacts", dir, "--targets", "ts,verilog", "--runs", "200", "--seed", "4", "--failures", dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("DISAGREEMENT: verilog differs from the reference");
    expect(r.stdout).toMatch(/^verilog\s+\d+\s+\d+\s+1\s/m);
    expect(r.stdout).toMatch(/^ts\s+\d+\s+\d+\s+0\s/m);
    const replayPath = /lockstep replay (\S+)/.exec(r.stdout)![1];
    const vcd = /waveforms: (\S+)/.exec(r.stdout)![1];
    expect(vcd).toBe(replayPath.replace(/\.json$/, ".verilog.vcd"));
    const wave = readFileSync(vcd, "utf8");
    expect(wave).toContain("$enddefinitions");
    expect(wave).toMatch(/\$scope module dut \$end/);
    expect(wave).toMatch(/\$var \w+ \d+ \S+ last_mid /);
    const replay = lockstep("replay", replayPath);
    expect(replay.code).toBe(1);
    expect(replay.stdout).toMatch(/^\s+interpreter\s+ts\s+verilog$/m);
    expect(replay.stdout).toMatch(/<-- differs/);
    expect(replay.stdout).toContain(`waveforms of the stream through verilog: ${vcd}`);
  }, 600_000);

  it("catches a tampered .vhd through GHDL, with a VCD", () => {
    const { dir, src } = compiled();
    tamper(join(dir, "skew_engine.vhd"), /(\w+_add <= \w+) \+ /);
    const r = lockstep("test", src, "--artifacts", dir, "--targets", "vhdl", "--runs", "30", "--seed", "4", "--failures", dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("DISAGREEMENT: vhdl differs from the reference");
    const vcd = /waveforms: (\S+)/.exec(r.stdout)![1];
    expect(readFileSync(vcd, "utf8")).toContain("$scope module lockstep_tb $end");
    const replay = lockstep("replay", /lockstep replay (\S+)/.exec(r.stdout)![1]);
    expect(replay.stdout).toMatch(/^\s+interpreter\s+vhdl$/m);
    expect(replay.stdout).toMatch(/<-- differs/);
  }, 300_000);

  it("says which HDL file is missing from the artifacts directory, or not one lockstep compile wrote", () => {
    const dir = mkdtempSync(join(tmpdir(), "lockstep-hw-"));
    const src = join(dir, "skew.lstep");
    writeFileSync(src, SKEW);
    writeFileSync(join(dir, "skew_engine.vhd"), "");
    const empty = lockstep("test", src, "--artifacts", dir, "--targets", "vhdl", "--runs", "5");
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain(`cannot load the vhdl target from ${join(dir, "skew_engine.vhd")}: it has no entity skew_engine; it was not written by lockstep compile`);
    const other = mkdtempSync(join(tmpdir(), "lockstep-hw-"));
    const missing = lockstep("test", src, "--artifacts", other, "--targets", "verilog", "--runs", "5");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(new RegExp(`cannot load the verilog target from ${join(other, "skew_engine.v")}: `));
  });
});

describe("lockstep test: option combinations that cannot work", () => {
  it.each([
    [["--targets", "all,ts"], "--targets names ts twice (all is ts,wasm,verilog,vhdl; hdl is verilog,vhdl): give each target once"],
    [["--targets", "hdl,vhdl"], "--targets names vhdl twice (all is ts,wasm,verilog,vhdl; hdl is verilog,vhdl): give each target once"],
    [["--targets", "verilog", "--vhdl-runs", "5"], "--vhdl-runs sets how many streams GHDL runs, but the vhdl target is not chosen: add it to --targets (verilog,vhdl) or drop --vhdl-runs"],
    [["--targets", "fpga"], "unknown target 'fpga'; available: ts, wasm, verilog, vhdl, hdl (verilog,vhdl), or all"],
    [["--targets", "vhdl", "--vhdl-runs", "0"], "--vhdl-runs needs a positive whole number, got '0'"],
  ])("%j is refused with a one-line message, exit 1", (args, message) => {
    const r = lockstep("test", "examples/grid.lstep", ...args, "--runs", "5");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
    expect(r.stdout).toBe("");
  });
});
