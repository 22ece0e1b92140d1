import { addressBits, type Cell, type Netlist, type Ref } from "./netlist.js";

/**
 * Which signals every bit of is read, and which only some bits of (a narrowing resize reads the low
 * bits: range analysis proved the high ones are copies of the sign). Printers use it for lint waivers.
 */
export function signalUse(n: Netlist): { readonly full: ReadonlySet<Ref>; readonly partial: ReadonlySet<Ref> } {
  const full = new Set<Ref>();
  const partial = new Set<Ref>();
  const read = (c: Cell, width: number): void => {
    switch (c.cell) {
      case "const":
      case "constBit":
        return;
      case "resize":
        (c.from > width ? partial : full).add(c.a);
        return;
      case "bit":
      case "anyBits":
        partial.add(c.a);
        return;
      case "neg":
      case "not":
      case "fromBit":
      case "shl":
      case "sra":
      case "codeIs":
        full.add(c.a);
        return;
      case "rom":
        (c.indexWidth > addressBits(n.roms.find((r) => r.name === c.rom)!) ? partial : full).add(c.index);
        return;
      case "mux":
        full.add(c.sel).add(c.a).add(c.b);
        return;
      case "add":
      case "sub":
      case "mul":
      case "quot":
      case "rem":
      case "cmp":
      case "and":
      case "or":
      case "xor":
        full.add(c.a).add(c.b);
        return;
      default: {
        const never: never = c;
        throw new Error(`unknown cell ${JSON.stringify(never)}`);
      }
    }
  };
  for (const block of n.blocks) for (const w of block.wires) read(w.def, w.type.kind === "bit" ? 1 : w.type.width);
  for (const group of n.registers)
    for (const r of group.registers)
      for (const u of r.updates) {
        full.add(u.value);
        if (u.when !== "always") full.add(u.when);
      }
  for (const f of full) partial.delete(f);
  return { full, partial };
}
