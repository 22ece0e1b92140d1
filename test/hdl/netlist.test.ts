import { describe, expect, it } from "vitest";
import { bitsFor } from "../../compiler/interval.js";
import { FIELD_BITS, KIND_INVALID, portEvent } from "../../targets/hdl/event-port.js";
import { lowerProgram } from "../../targets/hdl/lower-program.js";
import { Namer } from "../../targets/hdl/names.js";
import { compileExample, PROGRAMS } from "./example-programs.js";

describe("the RTL lowering", () => {
  it.each(PROGRAMS)("%s: registers take the widths of their proven intervals, far below 64 bits each", (file) => {
    const program = compileExample(file);
    const n = lowerProgram(program);
    const registers = n.registers.flatMap((g) => g.registers);
    program.state.forEach((s, i) => {
      const r = registers.find((x) => x.name === n.stateRegisters[i])!;
      expect(r.name).toBe(s.name);
      expect(r.type).toEqual({ kind: "signed", width: bitsFor(s.range) });
      expect(r.reset).toBe(s.init);
    });
    // timestamps span the session (2^50 ns, 51 bits) in any design: the saving is in the other registers
    const times = new Set(program.state.filter((s) => s.unit === "ns").map((s) => s.name));
    const others = registers.filter((r) => !times.has(r.name) && !times.has(r.name.replace(/_shadow$/, "")));
    const bits = others.reduce((sum, r) => sum + (r.type.kind === "bit" ? 1 : r.type.width), 0);
    expect(bits).toBeLessThan(others.length * 64 * 0.5);
    // no wire is wider than a 64-bit product plus the bit rounding may carry into
    for (const b of n.blocks) for (const w of b.wires) expect(w.type.kind === "bit" ? 1 : w.type.width).toBeLessThanOrEqual(66);
  });
});

describe("hardware identifiers", () => {
  it("are legal in Verilog and VHDL, not keywords of either, unique ignoring case", () => {
    const namer = new Namer();
    expect(namer.name("out")).toBe("out_v");
    expect(namer.name("signal")).toBe("signal_v");
    expect(namer.name("position")).toBe("position");
    expect(namer.name("Position")).toBe("Position_2");
    expect(namer.name("__a__b_")).toBe("a_b");
    expect(namer.name("9lives")).toBe("v_9lives");
  });
});

describe("the hardware event contract", () => {
  it("passes safe-integer events unchanged and maps every other event to the invalid kind", () => {
    expect(portEvent(4, 10, -1, 2, 3, 0)).toEqual([4n, 10n, -1n, 2n, 3n, 0n]);
    expect(portEvent(0, 2 ** 53 - 1, -(2 ** 53 - 1), 0, 0, 0)).toEqual([0n, 2n ** 53n - 1n, -(2n ** 53n - 1n), 0n, 0n, 0n]);
    const invalid = [BigInt(KIND_INVALID), 0n, 0n, 0n, 0n, 0n];
    for (const e of [[6, 0, 0, 0, 0, 0], [2.5, 0, 0, 0, 0, 0], [NaN, 0, 0, 0, 0, 0], [0, 0.5, 0, 0, 0, 0], [0, 0, NaN, 0, 0, 0], [0, 0, 0, 2 ** 53, 0, 0], [0, 0, 0, 0, -Infinity, 0]])
      expect(portEvent(...(e as [number, number, number, number, number, number]))).toEqual(invalid);
    // every safe integer fits a field port
    expect(bitsFor({ lo: -(2n ** 53n - 1n), hi: 2n ** 53n - 1n })).toBe(FIELD_BITS);
  });
});
