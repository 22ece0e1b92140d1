import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { emitVerilog } from "../../targets/verilog/emit-verilog.js";
import { emitVhdl } from "../../targets/vhdl/emit-vhdl.js";
import { topProgram } from "../../targets/hdl/hdl-top.js";
import { compileExample, HDL_CASES } from "./example-programs.js";
import { ensureHdlTools } from "./hdl-tools.js";

beforeAll(ensureHdlTools);

/** Names declared as signals or ports, in declaration order. */
const declared = (text: string, pattern: RegExp) => [...text.matchAll(pattern)].map((m) => m[1]);

describe.each(HDL_CASES)("%s: the emitted VHDL of the %s top", (file, top) => {
  it("is analysed by GHDL, avoids GHDL 2.0's pitfalls, and uses the Verilog's names", () => {
    const whole = compileExample(file);
    const program = topProgram(whole, top);
    const vhdl = emitVhdl(whole, top);
    const dir = mkdtempSync(join(tmpdir(), "lockstep-vhdl-"));
    writeFileSync(join(dir, `${vhdl.entity}.vhd`), vhdl.text);
    const r = spawnSync("ghdl", ["-a", "--std=08", `${vhdl.entity}.vhd`], { cwd: dir, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    // no integer literal above 2^31 - 1 (wider constants are bit strings), and no abs
    const integers = [...vhdl.text.replace(/--.*$/gm, "").matchAll(/(?<!["\w])\d+(?![\w"])/g)].map((m) => BigInt(m[0]));
    expect(integers.filter((v) => v > 2n ** 31n - 1n)).toEqual([]);
    expect(vhdl.text.replace(/--.*$/gm, "")).not.toMatch(/\babs\b/i);
    // the same registers and wires, by name, in both languages
    const verilog = emitVerilog(whole, top).text;
    const vNames = declared(verilog, /^ {2}(?:wire|reg) (?:signed )?(?:\[\d+:0\] )?(\w+)/gm);
    const hNames = declared(vhdl.text, /^ {2}signal (\w+) :/gm);
    const roms = new Set(declared(verilog, /^ {2}wire signed \[\d+:0\] (\w+) \[0:/gm));
    expect(roms.size).toBe(program.luts.length);
    expect(new Set(hNames)).toEqual(new Set(vNames.filter((n) => !roms.has(n))));
    for (const s of program.state) expect(hNames).toContain(s.name);
  }, 120_000);
});
