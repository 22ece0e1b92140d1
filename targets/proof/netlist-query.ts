import type { Cell, Netlist, Ref, Register, Wire } from "../hdl/netlist.js";

/** Lookups the property wrapper needs on a netlist: wires by name, the order handler's fire, cones. */
export class NetlistQuery {
  readonly wires = new Map<Ref, Wire>();
  readonly registers = new Map<Ref, Register>();

  constructor(readonly netlist: Netlist) {
    for (const b of netlist.blocks) for (const w of b.wires) this.wires.set(w.name, w);
    for (const g of netlist.registers) for (const r of g.registers) this.registers.set(r.name, r);
  }

  /** The wire that is high when an event of kind `code` applies (valid, that kind, its guard holds). */
  fireOf(code: number): Ref | undefined {
    const kind = this.netlist.inputs[1].name;
    const valid = this.netlist.inputs[0].name;
    const isKind = [...this.wires.values()].find((w) => w.def.cell === "codeIs" && w.def.a === kind && w.def.code === code);
    const selected = isKind && [...this.wires.values()].find((w) => w.def.cell === "and" && w.def.a === valid && w.def.b === isKind.name);
    return selected && [...this.wires.values()].find((w) => w.def.cell === "and" && w.def.a === selected.name)?.name;
  }

  /** The value an output register takes when `fire` is high. */
  updateWhen(register: Ref, fire: Ref): Ref | undefined {
    return this.registers.get(register)?.updates.find((u) => u.when === fire)?.value;
  }

  /** Follows resize cells back to the wire they copy. */
  throughResize(ref: Ref): Ref {
    let r = ref;
    for (let w = this.wires.get(r); w && w.def.cell === "resize"; w = this.wires.get(r)) r = w.def.a;
    return r;
  }

  /**
   * The multiplier compared against the constant `cap` (the notional check, qty * price > cap): its
   * product and operand wires, or undefined when the netlist has no such comparison.
   */
  productComparedWith(cap: bigint): { product: Ref; a: Ref; b: Ref } | undefined {
    const isCap = (r: Ref) => {
      const w = this.wires.get(this.throughResize(r));
      return w?.def.cell === "const" && w.def.value === cap;
    };
    const mulOf = (r: Ref) => {
      const w = this.wires.get(this.throughResize(r));
      return w?.def.cell === "mul" ? { product: w.name, a: w.def.a, b: w.def.b } : undefined;
    };
    for (const w of this.wires.values()) {
      if (w.def.cell !== "cmp") continue;
      if (isCap(w.def.a) && mulOf(w.def.b)) return mulOf(w.def.b);
      if (isCap(w.def.b) && mulOf(w.def.a)) return mulOf(w.def.a);
    }
    return undefined;
  }

  /** Every register the given signals read, and, transitively, every register those registers' updates read. */
  registerCone(roots: readonly Ref[]): Set<Ref> {
    const found = new Set<Ref>();
    const seen = new Set<Ref>();
    const stack = [...roots];
    while (stack.length) {
      const r = stack.pop()!;
      if (seen.has(r)) continue;
      seen.add(r);
      const reg = this.registers.get(r);
      if (reg) {
        if (!reg.isOutput) found.add(r);
        for (const u of reg.updates) stack.push(u.value, ...(u.when === "always" ? [] : [u.when]));
        continue;
      }
      const w = this.wires.get(r);
      if (w) stack.push(...operands(w.def));
    }
    return found;
  }
}

function operands(c: Cell): Ref[] {
  switch (c.cell) {
    case "const":
    case "constBit":
      return [];
    case "resize":
    case "neg":
    case "shl":
    case "sra":
    case "not":
    case "bit":
    case "anyBits":
    case "fromBit":
    case "codeIs":
      return [c.a];
    case "add":
    case "sub":
    case "mul":
    case "quot":
    case "rem":
    case "cmp":
    case "and":
    case "or":
    case "xor":
      return [c.a, c.b];
    case "mux":
      return [c.sel, c.a, c.b];
    case "rom":
      return [c.index];
    default: {
      const never: never = c;
      throw new Error(`unknown cell ${JSON.stringify(never)}`);
    }
  }
}
