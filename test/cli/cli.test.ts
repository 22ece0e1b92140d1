import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lockstep } from "./run-cli.js";

describe("lockstep check", () => {
  it("accepts every example", () => {
    const r = lockstep("check", "examples/avellaneda.lstep", "examples/glft.lstep", "examples/grid.lstep");
    expect(r.code).toBe(0);
    expect(r.stdout.match(/: ok$/gm)).toHaveLength(3);
  });

  it("reports a broken file with file:line:col, a caret and a hint, exit 1, no stack trace", () => {
    const r = lockstep("check", "test/language/broken/u001-price-plus-qty.lstep");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/u001-price-plus-qty\.lstep:\d+:\d+: error\[U001\]/);
    expect(r.stderr).toContain("^");
    expect(r.stderr).toContain("= hint:");
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it("gives diagnostics as JSON data", () => {
    const r = lockstep("check", "--format", "json", "test/language/broken/t001-fix-too-wide.lstep");
    expect(r.code).toBe(1);
    const [d] = JSON.parse(r.stdout);
    expect(d).toMatchObject({ code: "T001", severity: "error" });
    expect(d.line).toBeGreaterThan(0);
  });

  it("refuses a missing file and an unknown command with exit 1", () => {
    expect(lockstep("check", "no/such/file.lstep").code).toBe(1);
    expect(lockstep("frobnicate").code).toBe(1);
    expect(lockstep("test", "examples/grid.lstep", "--runs", "zero").code).toBe(1);
  });
});

describe("lockstep compile", () => {
  it("writes TypeScript, WebAssembly (binary and text) and the numeric report", () => {
    const out = mkdtempSync(join(tmpdir(), "lockstep-out-"));
    const r = lockstep("compile", "examples/glft.lstep", "--target", "all", "--out", out);
    expect(r.code).toBe(0);
    for (const ext of ["ts", "wasm", "wat", "numerics.txt"]) expect(r.stdout).toContain(join(out, `glft.${ext}`));
    expect(readFileSync(join(out, "glft.wasm")).subarray(0, 4)).toEqual(Buffer.from([0, 0x61, 0x73, 0x6d]));
    expect(readFileSync(join(out, "glft.ts"), "utf8")).toContain("// glft.lstep:");
  });

  it("--format json: warnings as JSON data on stdout, the written paths on stderr", () => {
    const dir = mkdtempSync(join(tmpdir(), "lockstep-json-"));
    const src = join(dir, "warned.lstep");
    writeFileSync(
      src,
      "instrument X { tick = 1 lot = 1 multiplier = 1 }\nstrategy S on X {\n  fn unused(x) = x\n  on book { quote bid = bid - 1, ask = ask + 1, qty = 1 }\n}\n",
    );
    const r = lockstep("compile", src, "--target", "ts", "--out", join(dir, "out"), "--format", "json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject([{ code: "N018", severity: "warning", line: 3 }]);
    expect(r.stderr).toContain("wrote ");
  });

  it("refuses an unknown target", () => {
    const r = lockstep("compile", "examples/glft.lstep", "--target", "fpga");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("unknown target 'fpga'");
  });
});

const USER_FILE = `
instrument ETH { tick = 0.01 lot = 0.001 multiplier = 1 price in [1, 1_000_000] ticks qty in [0, 100_000] lots position in [-50_000, 50_000] lots }
params {
  width  : price = 3   in [1, 500]
  lean   : fix<4.12> = 0.25 in [0, 2]
  size   : qty   = 10  in [1, 1_000]
}
strategy Lean on ETH {
  state fair : fix<22.8> ticks = 0 in [0, 1_000_000]
  on book {
    fair = sat(mid + (weighted_mid() - mid) * lean)
    quote bid = floor_tick(fair - width), ask = ceil_tick(fair + width), qty = size
  }
}
risk Limits on ETH {
  max_position 40_000
  max_order_qty 1_000
  price_band 50 ticks around mid
  max_messages 5 per 1s
}
`;

describe("lockstep test on a file no test knows", () => {
  it("generates streams from the file's own declarations and finds all targets in agreement", () => {
    const dir = mkdtempSync(join(tmpdir(), "lockstep-user-"));
    writeFileSync(join(dir, "lean.lstep"), USER_FILE);
    const r = lockstep("test", join(dir, "lean.lstep"), "--runs", "3000", "--seed", "5");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ts\s+3000\s+\d+\s+0/);
    expect(r.stdout).toMatch(/wasm\s+3000\s+\d+\s+0/);
  });

  it("catches a hand-edited artifact and writes a replay that shows the divergence", () => {
    const dir = mkdtempSync(join(tmpdir(), "lockstep-user-"));
    const src = join(dir, "lean.lstep");
    writeFileSync(src, USER_FILE);
    expect(lockstep("compile", src, "--out", dir).code).toBe(0);
    const ts = readFileSync(join(dir, "lean.ts"), "utf8");
    const edited = ts.replace(/const (v\d+) = (v\d+) - (v\d+);/, "const $1 = $2 - $3 + 1;");
    expect(edited).not.toBe(ts);
    writeFileSync(join(dir, "lean.ts"), edited);
    const r = lockstep("test", src, "--artifacts", dir, "--targets", "ts", "--runs", "2000", "--seed", "3", "--failures", dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("DISAGREEMENT: ts differs from the reference");
    const replayPath = /lockstep replay (\S+)/.exec(r.stdout)![1];
    const replay = lockstep("replay", replayPath);
    expect(replay.code).toBe(1);
    expect(replay.stdout).toContain("<-- differs");
  });

  it("reports a corrupt WebAssembly artifact clearly", () => {
    const dir = mkdtempSync(join(tmpdir(), "lockstep-user-"));
    const src = join(dir, "lean.lstep");
    writeFileSync(src, USER_FILE);
    expect(lockstep("compile", src, "--out", dir).code).toBe(0);
    writeFileSync(join(dir, "lean.wasm"), Buffer.from("not wasm at all"));
    const r = lockstep("test", src, "--artifacts", dir, "--targets", "wasm", "--runs", "10");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("cannot load the wasm target");
  });
});
