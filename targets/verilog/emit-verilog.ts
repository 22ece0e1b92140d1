import type { IrProgram } from "../../compiler/ir.js";
import type { HdlTop } from "../hdl/hdl-top.js";
import { lowerProgram } from "../hdl/lower-program.js";
import { addressBits, widthOf, type Cell, type Netlist, type Port, type Register, type Rom, type Wire, type WireType } from "../hdl/netlist.js";
import { signalUse } from "../hdl/signal-use.js";

/** The `NAME_engine` or `NAME_gateway` module of a program, in Verilog-2005. */
export function emitVerilog(program: IrProgram, top: HdlTop = "engine"): { readonly module: string; readonly text: string } {
  const netlist = lowerProgram(program, top);
  return { module: netlist.module, text: printVerilog(netlist) };
}

/** Prints a netlist; one Verilog expression per cell, every operand a named signal of the cell's width. */
export function printVerilog(n: Netlist): string {
  const use = signalUse(n);
  const waived = (name: string) => !use.full.has(name);
  const out: string[] = [];
  out.push(...n.header.map((l) => `// ${l}`.trimEnd()), "", "`default_nettype none", "", `module ${n.module} (`);
  const ports = [
    { name: n.clock, dir: "input", decl: "wire", type: { kind: "bit" } as WireType, comment: "clock" },
    { name: n.reset, dir: "input", decl: "wire", type: { kind: "bit" } as WireType, comment: "synchronous reset, active high" },
    ...n.inputs.map((p) => ({ ...p, dir: "input", decl: "wire" })),
    ...n.outputs.map((p) => ({ ...p, dir: "output", decl: "reg" })),
  ];
  ports.forEach((p, i) => {
    const decl = `  ${p.dir} ${p.decl} ${typeDecl(p.type)}${p.name}${i === ports.length - 1 ? "" : ","}`;
    const line = `${decl.padEnd(48)} // ${p.comment}`;
    out.push(p.dir === "input" && waived(p.name) && p.name !== n.clock && p.name !== n.reset ? waive(line, "not every program reads every port") : line);
  });
  out.push(");");

  for (const rom of n.roms) out.push("", ...romArray(rom));

  const internal = n.registers.flatMap((g) => g.registers.filter((r) => !r.isOutput));
  if (internal.length) out.push("");
  for (const r of internal) {
    const line = `  reg ${typeDecl(r.type)}${r.name};`;
    out.push(waived(r.name) ? waive(`${line.padEnd(48)} // ${r.comment}`, "high bits are sign copies or unread") : `${line.padEnd(48)} // ${r.comment}`);
  }

  for (const block of n.blocks) {
    out.push("", ...block.comment.map((c) => `  // ${c}`));
    for (const w of block.wires) {
      const line = `  wire ${typeDecl(w.type)}${w.name} = ${expr(w, n)};`;
      out.push(waived(w.name) ? waive(line, "the high bits are proven copies of the sign") : line);
    }
  }

  out.push("");
  out.push(`  always @(posedge ${n.clock}) begin`);
  out.push(`    if (${n.reset}) begin`);
  for (const g of n.registers) for (const r of g.registers) out.push(`      ${r.name} <= ${literal(r.reset, r.type)};`);
  out.push("    end else begin");
  for (const g of n.registers) {
    out.push(`      // ${g.comment}`);
    for (const r of g.registers) out.push(...update(r));
  }
  out.push("    end", "  end", "", "endmodule", "");
  return out.join("\n");
}

const waive = (line: string, why: string) =>
  `  /* verilator lint_off UNUSEDSIGNAL */ // ${why}\n${line}\n  /* verilator lint_on UNUSEDSIGNAL */`;

function typeDecl(t: WireType): string {
  switch (t.kind) {
    case "bit":
      return "";
    case "signed":
      return `signed [${t.width - 1}:0] `;
    case "unsigned":
      return `[${t.width - 1}:0] `;
    default: {
      const never: never = t;
      throw new Error(`unknown type ${JSON.stringify(never)}`);
    }
  }
}

/** A sized literal with the two's-complement bits in hex: exact at any width. */
function literal(v: bigint, t: WireType): string {
  if (t.kind === "bit") return v ? "1'b1" : "1'b0";
  const mask = (1n << BigInt(t.width)) - 1n;
  return `${t.width}'${t.kind === "signed" ? "s" : ""}h${(v & mask).toString(16)}`;
}

function update(r: Register): string[] {
  const always = r.updates.find((u) => u.when === "always");
  if (always) return [`      ${r.name} <= ${always.value};`];
  return r.updates.map((u, i) => `      ${i ? "else if" : "if"} (${u.when}) ${r.name} <= ${u.value};`);
}

function expr(w: Wire, n: Netlist): string {
  const c: Cell = w.def;
  const width = widthOf(w.type);
  switch (c.cell) {
    case "const":
      return literal(c.value, w.type);
    case "constBit":
      return c.value ? "1'b1" : "1'b0";
    case "resize":
      if (c.from > width) return `${c.a}[${width - 1}:0]`;
      return `{{${width - c.from}{${c.a}[${c.from - 1}]}}, ${c.a}}`;
    case "add":
      return `${c.a} + ${c.b}`;
    case "sub":
      return `${c.a} - ${c.b}`;
    case "mul":
      return `${c.a} * ${c.b}`;
    case "quot":
      return `${c.b} != ${literal(0n, w.type)} ? ${c.a} / ${c.b} : ${literal(0n, w.type)}`;
    case "rem":
      return `${c.b} != ${literal(0n, w.type)} ? ${c.a} % ${c.b} : ${literal(0n, w.type)}`;
    case "neg":
      return `-${c.a}`;
    case "shl":
      return `${c.a} <<< ${c.n}`;
    case "sra":
      return `${c.a} >>> ${c.n}`;
    case "cmp":
      return `${c.a} ${{ lt: "<", le: "<=", eq: "==", ne: "!=" }[c.pred]} ${c.b}`;
    case "not":
      return `~${c.a}`;
    case "and":
      return `${c.a} & ${c.b}`;
    case "or":
      return `${c.a} | ${c.b}`;
    case "xor":
      return `${c.a} ^ ${c.b}`;
    case "mux":
      return `${c.sel} ? ${c.a} : ${c.b}`;
    case "bit":
      return `${c.a}[${c.index}]`;
    case "anyBits":
      return c.hi === c.lo ? `${c.a}[${c.lo}]` : `|${c.a}[${c.hi}:${c.lo}]`;
    case "fromBit":
      return width === 2 ? `{1'b0, ${c.a}}` : `{{${width - 1}{1'b0}}, ${c.a}}`;
    case "codeIs": {
      const port = n.inputs.find((p: Port) => p.name === c.a)!;
      return `${c.a} == ${widthOf(port.type)}'d${c.code}`;
    }
    case "rom": {
      const rom = n.roms.find((r) => r.name === c.rom)!;
      const aw = addressBits(rom);
      const t: WireType = { kind: "signed", width: rom.width };
      const index =
        c.indexWidth === aw ? c.index : c.indexWidth > aw ? `${c.index}[${aw - 1}:0]` : `{${aw - c.indexWidth}'b0, ${c.index}}`;
      // every address of the table exists: a plain read; else addresses past its end read 0
      if (rom.values.length === 2 ** aw) return `${c.rom}[${index}]`;
      return `${index} <= ${aw}'d${rom.values.length - 1} ? ${c.rom}[${index}] : ${literal(0n, t)}`;
    }
    default: {
      const never: never = c;
      throw new Error(`unknown cell ${JSON.stringify(never)}`);
    }
  }
}

/** A table as an array of constant wires: no initial block, and simulators index it directly. */
function romArray(rom: Rom): string[] {
  const t: WireType = { kind: "signed", width: rom.width };
  return [
    `  // ROM ${rom.name}: ${rom.comment}`,
    `  wire signed [${rom.width - 1}:0] ${rom.name} [0:${rom.values.length - 1}];`,
    ...rom.values.map((v, i) => `  assign ${rom.name}[${i}] = ${literal(v, t)};`),
  ];
}
