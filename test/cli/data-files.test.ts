import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { paramLayout } from "../../compiler/param-layout.js";
import { compileSource } from "../../compiler/pipeline.js";
import { readParamFile } from "../../runtime/param-file.js";
import { lockstepAsync } from "./run-cli.js";

const EXCERPT = "examples/data/btcusdt-20240808-excerpt.jsonl.gz";
const dir = mkdtempSync(join(tmpdir(), "lockstep-data-cli-"));

describe("lockstep import", () => {
  // that an event file loads as its recording does is event-file.test.ts's; here, that --data takes it
  it("writes an event file that --data reads, for its instrument only", async () => {
    const out = join(dir, "btc.lse");
    const r = await lockstepAsync("import", "examples/avellaneda.lstep", EXCERPT, "-o", out);
    expect(r.code).toBe(0);
    // one depth level of the excerpt is finer than the lot: rounded up, and said so
    expect(r.stderr).toBe(`${EXCERPT}:1886: note: ask level quantity 25.42618900 is not a whole number of lots (lot 0.00001); rounded up to 2542619 lots\n`);
    expect(r.stdout).toMatch(/^wrote .*btc\.lse: 7335 events \(5870 book, 1465 trade\) and \d+ depth rows from a binance jsonl recording, BTCUSDT at tick 0\.01, lot 0\.00001; \d+ bytes\n$/);
    // the event file is for BTCUSDT at 0.01: glft's instrument trades at 0.1
    const other = await lockstepAsync("accuracy", "examples/glft.lstep", "--data", out);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain("imported for BTCUSDT (tick 0.01, lot 0.00001), but BTCUSDT_PERP trades at tick 0.1, lot 0.001");
  });

  it("refuses a recording off the instrument's tick grid, by line, and writes nothing", async () => {
    const out = join(dir, "perp.lse");
    const r = await lockstepAsync("import", "examples/glft.lstep", EXCERPT, "-o", out);
    expect(r.code).toBe(1);
    expect(r.stderr.split("\n")[0]).toBe(`${EXCERPT}:1: bid level price 61737.63000000 is not a whole number of ticks (tick 0.1): off the tick grid of BTCUSDT_PERP`);
    expect(r.stderr).toMatch(/: \d+ malformed lines \(the first 20 are listed\); nothing was read/);
    expect(existsSync(out)).toBe(false);
  });

  it("refuses a truncated event file with a message, not a stack trace", async () => {
    const good = join(dir, "whole.lse");
    await lockstepAsync("import", "examples/avellaneda.lstep", EXCERPT, "-o", good);
    const cut = join(dir, "cut.lse");
    writeFileSync(cut, readFileSync(good).subarray(0, 5000));
    const r = await lockstepAsync("accuracy", "examples/avellaneda.lstep", "--data", cut);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^lockstep: .*cut\.lse: byte 5000: truncated: 5000 bytes, but the header promises 7335 events/);
  });
});

describe("lockstep params", () => {
  const ir = compileSource("examples/avellaneda.lstep", readFileSync("examples/avellaneda.lstep", "utf8")).ir!;

  it("writes the checked values and the derived ones, in the layout the runtime loads", async () => {
    const values = join(dir, "values.json");
    writeFileSync(values, '{ "gamma": 0.25, "order_qty": 50 }');
    const out = join(dir, "P.bin");
    const r = await lockstepAsync("params", "examples/avellaneda.lstep", values, "-o", out);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("  param   gamma      0.25\n");
    const file = readParamFile(readFileSync(out), paramLayout(ir));
    if ("error" in file) throw new Error(file.error);
    expect(file.values[ir.params.findIndex((p) => p.name === "order_qty")]).toBe(50n);
    expect(file.values.length).toBe(ir.params.length + ir.derived.length);
    // --params takes the binary file as it takes the values it came from
    const [fromJson, fromFile] = await Promise.all([values, out].map((p) => lockstepAsync("step", "examples/avellaneda.lstep", "--events", "examples/step-events.csv", "--params", p, "--format", "csv")));
    expect(fromFile.code).toBe(0);
    expect(fromFile.stdout).toBe(fromJson.stdout);
    const grid = await lockstepAsync("step", "examples/grid.lstep", "--events", "examples/step-events.csv", "--params", out);
    expect(grid.code).toBe(1);
    expect(grid.stderr).toMatch(/P\.bin: the parameter file is refused: written for another parameter layout/);
  });

  it("refuses a value out of its declared range, located, and writes nothing", async () => {
    const values = join(dir, "bad.json");
    writeFileSync(values, '{\n  "gamma": 12\n}');
    const out = join(dir, "bad.bin");
    const r = await lockstepAsync("params", "examples/avellaneda.lstep", values, "-o", out);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${values}:2:12: error[PA005]: gamma = 12 is outside its declared range`);
    expect(existsSync(out)).toBe(false);
    const same = await lockstepAsync("params", "examples/avellaneda.lstep", values, "-o", values);
    expect(same.code).toBe(1);
  });
});
