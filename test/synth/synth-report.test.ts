import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logicLevels, type CellRole } from "../../targets/synth/logic-levels.js";
import { formatSynthTable } from "../../targets/synth/synth-table.js";
import { synthesize, type SynthReport } from "../../targets/synth/synthesize.js";
import type { YosysModule } from "../../targets/synth/yosys-netlist.js";

// An 8-bit registered adder and the registered parity of 256 input bits: 281 I/O bits, more than the
// HX8K ct256 package has pins, so place and route succeeds only through the I/O shim.
const TINY = `
module tiny (input wire clk, input wire [7:0] x, input wire [7:0] y, input wire [255:0] wide,
             output reg [7:0] s, output reg parity);
    reg [7:0] xr, yr;
    always @(posedge clk) begin
        xr <= x;
        yr <= y;
        s <= xr + yr;
        parity <= ^wide;
    end
endmodule
`;

const LATCHY = `
module latchy (input wire en, input wire [3:0] d, output reg [3:0] q);
    always @(*) if (en) q = d;
endmodule
`;

describe("targets/synth on tiny designs", () => {
  let dir = "";
  let tiny: SynthReport;

  beforeAll(() => {
    execFileSync("bash", ["scripts/install-hdl-tools.sh"], { stdio: "inherit" });
    dir = mkdtempSync(join(tmpdir(), "lockstep-synth-test-"));
    writeFileSync(join(dir, "tiny.v"), TINY);
    writeFileSync(join(dir, "latchy.v"), LATCHY);
    tiny = synthesize([join(dir, "tiny.v")], "tiny", { ice40: { targetMHz: 50 }, workDir: join(dir, "work") });
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads the ports and finds no latch and no check problem in a synchronous design", () => {
    expect(tiny.design.ports.map((p) => `${p.direction} ${p.name}[${p.width}]`)).toEqual([
      "input clk[1]",
      "input x[8]",
      "input y[8]",
      "input wide[256]",
      "output s[8]",
      "output parity[1]",
    ]);
    expect(tiny.io).toEqual({ inputs: 272, outputs: 9 });
    expect(tiny.design.latches).toEqual([]);
    expect(tiny.design.checkProblems).toEqual([]);
  });

  it("reports iCE40 cells of the top alone and an Fmax from nextpnr on the shimmed top", () => {
    const r = tiny.ice40!;
    expect(r.dff).toBe(25);
    expect(r.carry).toBeGreaterThan(0);
    expect(r.lut4).toBeGreaterThan(40); // the parity tree alone needs 256 / 4 + ... LUT4s
    // the shim's registers are placed too: one per I/O bit
    expect(r.logicCells).toBeGreaterThan(r.lut4 + 272);
    expect(r.logicCellsAvailable).toBe(7680);
    expect(r.fmaxMHz).toBeGreaterThan(20);
    expect(r.fmaxMHz).toBeLessThan(1000);
  });

  it("reports UltraScale+ LUTs, flip-flops and logic levels", () => {
    const r = tiny.xcup!;
    expect(r.ffs).toBe(25);
    expect(r.luts).toBeGreaterThan(40);
    expect(r.dsps).toBe(0);
    expect(r.carries).toBeGreaterThan(0);
    // a 256-input XOR: at least 4 levels of LUT6 (256 -> 43 -> 8 -> 2 -> 1); abc maps it to 8-input
    // functions, a LUT6 + MUXF7 + MUXF8 each, which Vivado counts as three levels
    expect(r.logicLevels).toBeGreaterThanOrEqual(4);
    expect(r.logicLevels).toBeLessThanOrEqual(12);
  });

  it("counts the same levels as yosys ltp once the flip-flops and buffers are taken out", () => {
    const out = execFileSync(
      "yosys",
      ["-q", "-p", "read_json xcup.json; delete t:FD* t:IBUF t:OBUF t:BUFG; tee -o ltp.txt ltp -noff"],
      { cwd: join(dir, "work"), encoding: "utf8" },
    );
    expect(out).toBe("");
    expect(readFileSync(join(dir, "work", "ltp.txt"), "utf8")).toContain(`(length=${tiny.xcup!.logicLevels})`);
  });

  it("flags a latch", () => {
    const r = synthesize([join(dir, "latchy.v")], "latchy", { ice40: false, xcup: false });
    expect(r.design.latches.length).toBeGreaterThan(0);
    expect(r.design.latches.join("\n")).toMatch(/q/);
  });

  it("prints a table row per top", () => {
    const table = formatSynthTable([{ name: "tiny", report: tiny, latencyCycles: 2 }]);
    const row = table.split("\n")[2];
    expect(row).toContain(` ${tiny.ice40!.lut4} `);
    expect(row).toContain(` ${tiny.ice40!.fmaxMHz.toFixed(1)} `);
    expect(row).toContain(` ${tiny.xcup!.logicLevels} `);
    expect(row.trim().endsWith("|       0 |")).toBe(true);
  });
});

describe("logic levels on a hand-made netlist", () => {
  const role = (t: string): CellRole => (t === "FF" ? "sequential" : t === "BUF" ? "free" : "level");
  const cell = (type: string, inputs: number[], output: number) => ({
    type,
    port_directions: { ...Object.fromEntries(inputs.map((_, i) => [`I${i}`, "input" as const])), O: "output" as const },
    connections: { ...Object.fromEntries(inputs.map((b, i) => [`I${i}`, [b]])), O: [output] },
  });
  const module = (cells: ReturnType<typeof cell>[]): YosysModule => ({
    ports: {},
    cells: Object.fromEntries(cells.map((c, i) => [`c${i}`, c])),
  });

  it("counts level cells between flip-flops, skips free ones, and restarts after a flip-flop", () => {
    // port -> L -> BUF -> L -> FF, and FF -> L -> L -> (the same) L -> FF: a loop through the flip-flop
    const m = module([
      cell("L", [2], 3),
      cell("BUF", [3], 4),
      cell("L", [4, 8], 5),
      cell("FF", [5], 6),
      cell("L", [6], 7),
      cell("L", [7], 8),
    ]);
    expect(logicLevels(m, role)).toBe(3);
  });

  it("refuses a combinational loop", () => {
    const m = module([cell("L", [2, 4], 3), cell("L", [3], 4)]);
    expect(() => logicLevels(m, role)).toThrow(/combinational loop/);
  });
});
