import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The VHDL's netlist as GHDL synthesizes it, printed as Verilog for yosys: `ghdl --synth --std=08
 * --out=verilog`, then `repairGhdlVerilog`. Writes `design.vhd` and `ghdl.v` in `dir`.
 */
export function ghdlToVerilog(vhdl: string, entity: string, dir: string, timeoutMs: number): { readonly verilog: string } | { readonly error: string } {
  writeFileSync(join(dir, "design.vhd"), vhdl);
  const r = spawnSync("ghdl", ["--synth", "--std=08", "--out=verilog", "design.vhd", "-e", entity], {
    cwd: dir,
    encoding: "utf8",
    timeout: timeoutMs,
    maxBuffer: 1 << 28,
  });
  if (r.error) {
    const missing = (r.error as NodeJS.ErrnoException).code === "ENOENT";
    return { error: missing ? "ghdl is not installed: run scripts/install-hdl-tools.sh" : `ghdl --synth did not finish within ${timeoutMs / 1000} s` };
  }
  if (r.status !== 0) return { error: `ghdl --synth rejected the VHDL of ${entity}:\n${(r.stderr || r.stdout).trim().split("\n").slice(0, 10).join("\n")}` };
  writeFileSync(join(dir, "ghdl.v"), r.stdout);
  return { verilog: repairGhdlVerilog(r.stdout) };
}

/**
 * Two rewrites of GHDL 2.0's Verilog, each leaving the netlist's function unchanged:
 * - a constant it prints as a string of 0s and 1s (it does so for every constant wider than 32 bits
 *   with a one bit, a known bug: Verilog would read the characters' ASCII codes) becomes the sized
 *   binary literal those bits spell;
 * - a product `x = a * b` whose three wires have one width n is marked signed. GHDL prints `resize(a *
 *   b, W)` as an n = 2W-bit unsigned multiply of sign-extended operands; with every width n, the n bits
 *   of a product are the same for a signed and an unsigned reading (both are a * b mod 2^n), so this
 *   changes nothing, and it lets yosys `wreduce` drop the copied sign bits on both sides, which makes
 *   GHDL's multiplier the same cell as the Verilog's W-bit signed one.
 */
export function repairGhdlVerilog(text: string): string {
  const widths = new Map<string, number>();
  for (const m of text.matchAll(/^\s*(?:wire|reg)\s+(?:\[(\d+):0\]\s+)?(\w+);/gm)) widths.set(m[2], m[1] === undefined ? 1 : Number(m[1]) + 1);
  const unstrung = text.replace(/"([01]+)"/g, (_, bits: string) => `${bits.length}'b${bits}`);
  return unstrung.replace(/^(\s*assign (\w+) = )(\w+) \* (\w+);/gm, (line, lead: string, y: string, a: string, b: string) => {
    const n = widths.get(y);
    return n !== undefined && widths.get(a) === n && widths.get(b) === n ? `${lead}$signed(${a}) * $signed(${b});` : line;
  });
}
