import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { lockstep } from "./run-cli.js";

const SOURCE = "examples/grid.lstep";

describe("lockstep verify", () => {
  let build: string;
  beforeAll(() => {
    build = mkdtempSync(join(tmpdir(), "lockstep-verify-build-"));
    expect(lockstep("compile", SOURCE, "--out", build).code).toBe(0);
  }, 60_000);

  const copy = () => {
    const dir = mkdtempSync(join(tmpdir(), "lockstep-verify-"));
    cpSync(build, dir, { recursive: true });
    return dir;
  };

  it("accepts the artifacts compile wrote: every file the same, exit 0", () => {
    const r = lockstep("verify", SOURCE, build);
    expect(r.code).toBe(0);
    for (const name of ["grid.ts", "grid.wasm", "grid.wat", "grid.numerics.txt"]) expect(r.stdout).toMatch(new RegExp(`${name.replace(".", "\\.")}\\s+same`));
  });

  it("names the file and the first differing byte and line when one byte changed, exit 1", () => {
    const dir = copy();
    const path = join(dir, "grid.ts");
    const bytes = readFileSync(path);
    const at = 700;
    bytes[at] = bytes[at] === 0x41 ? 0x42 : 0x41;
    writeFileSync(path, bytes);
    const line = bytes.subarray(0, at).filter((b) => b === 0x0a).length + 1;
    const r = lockstep("verify", SOURCE, dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`grid.ts            differs (first difference at byte ${at + 1} / line ${line})`);
    expect(r.stdout).toMatch(/grid\.wasm\s+same/);
    expect(r.stderr).toContain(`${path} is not what ${SOURCE} compiles to`);
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it("compares the Verilog and VHDL files too: a changed comparison in the Verilog is not what compile writes, exit 1", () => {
    const dir = copy();
    const path = join(dir, "grid_engine.v");
    const text = readFileSync(path, "utf8");
    const changed = text.replace(" <= ", " <= ~");
    expect(changed).not.toBe(text);
    writeFileSync(path, changed);
    const r = lockstep("verify", SOURCE, dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/grid_engine\.v\s+differs \(first difference at byte \d+ \/ line \d+/);
    expect(r.stdout).toMatch(/grid_engine\.vhd\s+same/);
  });

  it("reports a truncated binary with its size, exit 1", () => {
    const dir = copy();
    const path = join(dir, "grid.wasm");
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, 100));
    const r = lockstep("verify", SOURCE, dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`grid.wasm          differs (first difference at byte 101; 100 bytes, a fresh compile has ${bytes.length})`);
  });

  it("passes with only the TypeScript module deployed, the others listed as missing", () => {
    const dir = mkdtempSync(join(tmpdir(), "lockstep-verify-ts-"));
    cpSync(join(build, "grid.ts"), join(dir, "grid.ts"));
    const r = lockstep("verify", SOURCE, dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/grid\.ts\s+same/);
    expect(r.stdout).toMatch(/grid\.wasm\s+missing/);
  });

  it("refuses a directory without the ts or wasm module, exit 1", () => {
    const dir = mkdtempSync(join(tmpdir(), "lockstep-verify-empty-"));
    cpSync(join(build, "grid.numerics.txt"), join(dir, "grid.numerics.txt"));
    const r = lockstep("verify", SOURCE, dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("holds no module of grid (.ts, .wasm, .v or .vhd)");
  });

  it("refuses a missing directory with a clear message, exit 1", () => {
    const dir = join(tmpdir(), "lockstep-verify-no-such-dir");
    rmSync(dir, { recursive: true, force: true });
    const r = lockstep("verify", SOURCE, dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`lockstep: ${dir}: no such directory; give the directory \`lockstep compile --out\` wrote\n`);
    expect(r.stdout).toBe("");
  });

  it("refuses a source that does not compile, exit 1", () => {
    const dir = mkdtempSync(join(tmpdir(), "lockstep-verify-bad-"));
    mkdirSync(join(dir, "out"));
    const r = lockstep("verify", "test/language/broken/u001-price-plus-qty.lstep", join(dir, "out"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[U001]");
    expect(r.stderr).toContain("does not compile");
  });
});
