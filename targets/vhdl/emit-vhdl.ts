import type { IrProgram } from "../../compiler/ir.js";
import type { HdlTop } from "../hdl/hdl-top.js";
import { lowerProgram } from "../hdl/lower-program.js";
import { addressBits, widthOf, type Cell, type Netlist, type Register, type Rom, type Wire, type WireType } from "../hdl/netlist.js";

/** The `NAME_engine` or `NAME_gateway` entity of a program, in VHDL-2008 with numeric_std. */
export function emitVhdl(program: IrProgram, top: HdlTop = "engine"): { readonly entity: string; readonly text: string } {
  const netlist = lowerProgram(program, top);
  return { entity: netlist.module, text: printVhdl(netlist) };
}

/**
 * Prints a netlist; one concurrent assignment per cell, with the same signal and register names as the
 * Verilog printer. Avoids what GHDL 2.0's synthesis gets wrong: integer literals stay below 2^31 (wider
 * constants are bit strings) and `abs` is never used (the lowering has no such cell).
 */
export function printVhdl(n: Netlist, options: { readonly probeState?: boolean } = {}): string {
  const out: string[] = [];
  const entity = options.probeState ? probeEntity(n) : n.module;
  out.push(...n.header.map((l) => `-- ${l}`.trimEnd()), "", "library ieee;", "use ieee.std_logic_1164.all;", "use ieee.numeric_std.all;", "");
  out.push(`entity ${entity} is`, "  port (");
  const ports = [
    { name: n.clock, dir: "in", type: { kind: "bit" } as WireType, comment: "clock" },
    { name: n.reset, dir: "in", type: { kind: "bit" } as WireType, comment: "synchronous reset, active high" },
    ...n.inputs.map((p) => ({ ...p, dir: "in" })),
    ...n.outputs.map((p) => ({ ...p, dir: "out" })),
    ...(options.probeState ? probePorts(n).map((p) => ({ ...p, dir: "out" })) : []),
  ];
  ports.forEach((p, i) => {
    const decl = `    ${p.name} : ${p.dir} ${typeName(p.type)}${i === ports.length - 1 ? "" : ";"}`;
    out.push(`${decl.padEnd(48)} -- ${p.comment}`);
  });
  out.push("  );", `end entity ${entity};`, "", `architecture rtl of ${entity} is`);

  for (const rom of n.roms) out.push(...romConstant(rom));
  const internal = n.registers.flatMap((g) => g.registers.filter((r) => !r.isOutput));
  if (internal.length) out.push("", "  -- registers");
  for (const r of internal) out.push(`${`  signal ${r.name} : ${typeName(r.type)};`.padEnd(48)} -- ${r.comment}`);
  for (const block of n.blocks) {
    out.push("", ...block.comment.map((c) => `  -- ${c}`));
    for (const w of block.wires) out.push(`  signal ${w.name} : ${typeName(w.type)};`);
  }
  out.push("begin");

  for (const block of n.blocks) {
    out.push("", ...block.comment.map((c) => `  -- ${c}`));
    for (const w of block.wires) out.push(`  ${w.name} <= ${expr(w, n)};`);
  }

  if (options.probeState) {
    out.push("", "  -- simulation probe: GHDL 2.0 has no external names, so state registers are also ports here");
    for (const p of probePorts(n)) out.push(`  ${p.name} <= ${p.comment};`);
  }
  out.push("", `  registers : process (${n.clock})`, "  begin", `    if rising_edge(${n.clock}) then`, `      if ${n.reset} = '1' then`);
  for (const g of n.registers) for (const r of g.registers) out.push(`        ${r.name} <= ${literal(r.reset, r.type)};`);
  out.push("      else");
  for (const g of n.registers) {
    out.push(`        -- ${g.comment}`);
    for (const r of g.registers) out.push(...update(r));
  }
  out.push("      end if;", "    end if;", "  end process registers;", "", "end architecture rtl;", "");
  return out.join("\n");
}

/** The entity a simulation testbench instantiates when it must read the state registers. */
export const probeEntity = (n: Netlist) => `${n.module}_probe`;

/** One output per state register, `probe_<register>`; the comment holds the register it copies. */
export function probePorts(n: Netlist): { readonly name: string; readonly type: WireType; readonly comment: string }[] {
  const registers = n.registers.flatMap((g) => g.registers);
  return n.stateRegisters.map((name) => ({ name: `probe_${name}`, type: registers.find((r) => r.name === name)!.type, comment: name }));
}

function typeName(t: WireType): string {
  switch (t.kind) {
    case "bit":
      return "std_logic";
    case "signed":
      return `signed(${t.width - 1} downto 0)`;
    case "unsigned":
      return `unsigned(${t.width - 1} downto 0)`;
    default: {
      const never: never = t;
      throw new Error(`unknown type ${JSON.stringify(never)}`);
    }
  }
}

const INT_LIMIT = 2n ** 31n - 1n;

/** to_signed for values a VHDL integer holds; a bit string of the two's-complement bits otherwise. */
function literal(v: bigint, t: WireType): string {
  if (t.kind === "bit") return v ? "'1'" : "'0'";
  if (v >= -INT_LIMIT && v <= INT_LIMIT) return `to_${t.kind}(${v}, ${t.width})`;
  const mask = (1n << BigInt(t.width)) - 1n;
  return `"${(v & mask).toString(2).padStart(t.width, "0")}"`;
}

function update(r: Register): string[] {
  const always = r.updates.find((u) => u.when === "always");
  if (always) return [`        ${r.name} <= ${always.value};`];
  if (!r.updates.length) return [];
  const lines = r.updates.map((u, i) => `        ${i ? "elsif" : "if"} ${u.when} = '1' then\n          ${r.name} <= ${u.value};`);
  return [...lines, "        end if;"];
}

const when = (cond: string) => `'1' when ${cond} else '0'`;

function expr(w: Wire, n: Netlist): string {
  const c: Cell = w.def;
  const width = widthOf(w.type);
  switch (c.cell) {
    case "const":
      return literal(c.value, w.type);
    case "constBit":
      return c.value ? "'1'" : "'0'";
    case "resize":
      return c.from > width ? `${c.a}(${width - 1} downto 0)` : `resize(${c.a}, ${width})`;
    case "add":
      return `${c.a} + ${c.b}`;
    case "sub":
      return `${c.a} - ${c.b}`;
    case "mul":
      // the full product has twice the width; the lowering proved it fits this one
      return `resize(${c.a} * ${c.b}, ${width})`;
    case "quot":
      return `${c.a} / ${c.b} when ${c.b} /= 0 else ${literal(0n, w.type)}`;
    case "rem":
      return `${c.a} rem ${c.b} when ${c.b} /= 0 else ${literal(0n, w.type)}`;
    case "neg":
      return `-${c.a}`;
    case "shl":
      return `shift_left(${c.a}, ${c.n})`;
    case "sra":
      return `shift_right(${c.a}, ${c.n})`;
    case "cmp":
      return when(`${c.a} ${{ lt: "<", le: "<=", eq: "=", ne: "/=" }[c.pred]} ${c.b}`);
    case "not":
      return `not ${c.a}`;
    case "and":
    case "or":
    case "xor":
      return `${c.a} ${c.cell} ${c.b}`;
    case "mux":
      return `${c.a} when ${c.sel} = '1' else ${c.b}`;
    case "bit":
      return `${c.a}(${c.index})`;
    case "anyBits":
      return c.hi === c.lo ? `${c.a}(${c.lo})` : when(`${c.a}(${c.hi} downto ${c.lo}) /= 0`);
    case "fromBit":
      return `(0 => ${c.a}, others => '0')`;
    case "codeIs":
      return when(`${c.a} = ${c.code}`);
    case "rom": {
      const rom = n.roms.find((r) => r.name === c.rom)!;
      const aw = addressBits(rom);
      const address =
        c.indexWidth === aw
          ? `unsigned(${c.index})`
          : c.indexWidth > aw
            ? `unsigned(${c.index}(${aw - 1} downto 0))`
            : `resize(unsigned(${c.index}), ${aw})`;
      const read = `${c.rom}(to_integer(${address}))`;
      // every address of the table exists: a plain read; else addresses past its end read 0
      if (rom.values.length === 2 ** aw) return read;
      return `${read} when ${address} <= ${rom.values.length - 1} else ${literal(0n, { kind: "signed", width: rom.width })}`;
    }
    default: {
      const never: never = c;
      throw new Error(`unknown cell ${JSON.stringify(never)}`);
    }
  }
}

function romConstant(rom: Rom): string[] {
  const t: WireType = { kind: "signed", width: rom.width };
  return [
    "",
    `  -- ROM ${rom.name}: ${rom.comment}`,
    `  type ${rom.typeName} is array (0 to ${rom.values.length - 1}) of signed(${rom.width - 1} downto 0);`,
    `  constant ${rom.name} : ${rom.typeName} := (`,
    ...rom.values.map((v, i) => `    ${literal(v, t)}${i === rom.values.length - 1 ? "" : ","}`),
    "  );",
  ];
}
