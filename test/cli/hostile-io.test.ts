import { spawnSync } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/pipeline.js";
import { loadTarget } from "../../targets/agreement/load-targets.js";
import { emitTypeScript } from "../../targets/ts/emit-ts.js";
import { lockstepWith } from "./run-cli.js";

/**
 * Files, paths and options an adversary used to hang the CLI, fill memory, or get exit 2. Each must end
 * in well under the timeout with exit 1 and one clear line, never a stack trace. The timeouts only turn
 * a hang into a failure.
 */

const TIMEOUT = 60_000;
const tmp = mkdtempSync(join(tmpdir(), "lockstep-hostile-"));
const run = (...args: string[]) => lockstepWith({ timeout: TIMEOUT }, ...args);

function expectRefused(r: ReturnType<typeof run>, message: RegExp): void {
  expect(r.timedOut, "ends").toBe(false);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at .*:\d+:\d+/);
}

describe("input files", () => {
  it("refuses devices, pipes, directories and oversized files before reading them", () => {
    const fifo = join(tmp, "fifo.lstep");
    spawnSync("mkfifo", [fifo]);
    const big = join(tmp, "big.lstep");
    writeFileSync(big, `# ${"x".repeat(2 << 20)}\n`);
    const r = run("check", "/dev/zero", fifo, tmp, big, "examples/grid.lstep");
    expectRefused(r, /^\/dev\/zero: cannot read the file \(it is a device; give a regular file\)$/m);
    expect(r.stderr).toContain(`${fifo}: cannot read the file (it is a pipe (FIFO); give a regular file)`);
    expect(r.stderr).toContain(`${tmp}: cannot read the file (it is a directory; give a regular file)`);
    expect(r.stderr).toContain(`${big}: the file is larger than 1 MiB, the limit for this input`);
    expect(r.stdout).toContain("examples/grid.lstep: ok");
  });

  it("refuses a device as a replay file", () => {
    expectRefused(run("replay", "/dev/zero"), /lockstep: \/dev\/zero: cannot read the file \(it is a device/);
  });
});

describe("output directories are checked when options are parsed", () => {
  const cases: [string, string[], RegExp][] = [
    ["compile --out /proc/x", ["compile", "examples/grid.lstep", "--out", "/proc/x"], /--out '\/proc\/x' cannot hold output: it is under \/proc/],
    ["compile --out /dev/null", ["compile", "examples/grid.lstep", "--out", "/dev/null"], /--out '\/dev\/null' cannot hold output: it is under \/dev/],
    ["compile --out the input", ["compile", "examples/grid.lstep", "--out", "examples/grid.lstep"], /cannot hold output: it exists and is not a directory/],
    ['compile --out ""', ["compile", "examples/grid.lstep", "--out", ""], /--out '' cannot hold output: the directory name is empty/],
    ["test --failures /proc/x", ["test", "examples/grid.lstep", "--failures", "/proc/x"], /--failures '\/proc\/x' cannot hold output: it is under \/proc/],
    ["test --failures /dev/null", ["test", "examples/grid.lstep", "--failures", "/dev/null"], /--failures '\/dev\/null' cannot hold output: it is under \/dev/],
  ];
  for (const [title, args, message] of cases) it(`refuses ${title}`, () => expectRefused(run(...args), message));
});

describe("a compile that fails while writing", () => {
  it("leaves the directory as it was: no file of the failed compile, no temporary file", () => {
    const out = join(tmp, "half-written");
    mkdirSync(join(out, "grid.wasm"), { recursive: true });
    writeFileSync(join(out, "grid.ts"), "previous\n");
    const r = run("compile", "examples/grid.lstep", "--target", "all", "--out", out);
    expectRefused(r, /cannot write to .*half-written \(EISDIR\): .*grid\.wasm is a directory; nothing was written/);
    expect(readdirSync(out).sort()).toEqual(["grid.ts", "grid.wasm"]);
    expect(readFileSync(join(out, "grid.ts"), "utf8")).toBe("previous\n");
  });
});

describe("options that would silently test something else are refused", () => {
  it('refuses --artifacts "" (it used to test a fresh compile instead)', () => {
    expectRefused(run("test", "examples/grid.lstep", "--artifacts", ""), /--artifacts '' cannot be read: the directory name is empty/);
  });

  it("refuses a seed beyond 32 bits (it used to run the stream of seed mod 2^32)", () => {
    expectRefused(run("test", "examples/grid.lstep", "--seed", String(2 ** 32)), /--seed must be at most 4294967295 \(seeds are 32-bit\)/);
  });
});

describe("a closed pipe", () => {
  it("ends quietly when the reader goes away (| head -1): no EPIPE stack trace", () => {
    const broken = readFileSync("test/language/broken/u001-price-plus-qty.lstep", "utf8");
    const files = Array.from({ length: 400 }, (_, i) => {
      const path = join(tmp, `u001-${i}.lstep`);
      writeFileSync(path, broken);
      return path;
    });
    const r = lockstepWith({ timeout: TIMEOUT, pipeTo: "head -c 100 >/dev/null" }, "check", "--format", "json", ...files);
    expect(r.timedOut).toBe(false);
    expect(r.stderr).toBe("");
    expect([0, 1]).toContain(r.code);
  });
});

describe("output that cannot be written", () => {
  it("stdout on a full device: one line and exit 1, no stack trace", () => {
    const full = openSync("/dev/full", "w");
    const r = spawnSync(process.execPath, ["dist/cli/lockstep.js", "check", "examples/grid.lstep"], {
      stdio: ["ignore", full, "pipe"],
      encoding: "utf8",
      timeout: TIMEOUT,
    });
    closeSync(full);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("lockstep: cannot write the output (ENOSPC)\n");
  });
});

describe("artifacts that do not load are reported as unloadable, not as disagreements", () => {
  const source = "examples/grid.lstep";
  const compiled = compileSource(source, readFileSync(source, "utf8"));

  it("a truncated .ts artifact: exit 1, cannot load, does not parse", async () => {
    const dir = join(tmp, "truncated");
    mkdirSync(dir);
    const ts = await emitTypeScript(compiled.ir!);
    writeFileSync(join(dir, "grid.ts"), ts.slice(0, Math.floor(ts.length * 0.6)));
    const r = run("test", source, "--artifacts", dir, "--targets", "ts", "--runs", "5", "--seed", "1");
    expectRefused(r, /lockstep: cannot load the ts target from .*grid\.ts: it does not parse as TypeScript at line \d+:\d+/);
    expect(r.stdout).not.toMatch(/disagree/);
  });

  it("a module that is not an engine, and a truncated .wasm, are errors from loadTarget", async () => {
    const dir = join(tmp, "foreign");
    mkdirSync(dir);
    writeFileSync(join(dir, "grid.ts"), "export const meta = {};\n");
    writeFileSync(join(dir, "grid.wasm"), new Uint8Array([0, 97, 115, 109, 1, 0, 0]));
    const origin = { kind: "artifacts", dir } as const;
    const ts = await loadTarget(compiled.ir!, "ts", origin);
    expect(ts).toEqual({ error: expect.stringMatching(/cannot load the ts target from .*grid\.ts: it exports no Engine class/) });
    const wasm = await loadTarget(compiled.ir!, "wasm", origin);
    expect(wasm).toEqual({ error: expect.stringMatching(/cannot load the wasm target from .*grid\.wasm: /) });
  });
});
