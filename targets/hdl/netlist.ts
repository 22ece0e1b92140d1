/**
 * The RTL netlist both HDL printers print: typed wires, each defined by one cell (one operator on named
 * wires, so printing needs no width or signedness inference), registers with a synchronous reset and
 * prioritized updates, and ROMs. The semantics live in the lowering (lower-program.ts, lower-op.ts);
 * a printer maps each cell to one expression of its language.
 */

/** A wire is a one-bit condition or a two's-complement signed vector; ports may also be unsigned codes. */
export type WireType =
  | { readonly kind: "bit" }
  | { readonly kind: "signed"; readonly width: number }
  | { readonly kind: "unsigned"; readonly width: number };

export const BIT: WireType = { kind: "bit" };
export const signedOf = (width: number): WireType => ({ kind: "signed", width });

/** The name of a wire, port or register. */
export type Ref = string;

/**
 * One operator. Operands of arithmetic and comparison cells have the cell's width (the lowering resizes
 * them first); arithmetic is modulo 2^width, and the lowering picks widths where the true result fits.
 */
export type Cell =
  | { readonly cell: "const"; readonly value: bigint }
  | { readonly cell: "constBit"; readonly value: boolean }
  /** Sign extension to a wider, or keeping the low bits for a narrower, signed width. */
  | { readonly cell: "resize"; readonly a: Ref; readonly from: number }
  | { readonly cell: "add" | "sub" | "mul"; readonly a: Ref; readonly b: Ref }
  /**
   * Signed division truncating toward zero, and its remainder (the sign of the dividend). A zero divisor
   * gives 0: the lowering only divides by values whose proven interval excludes 0, but simulators also
   * evaluate the divider before reset and between delta cycles, where VHDL's division by zero is fatal.
   */
  | { readonly cell: "quot" | "rem"; readonly a: Ref; readonly b: Ref }
  | { readonly cell: "neg"; readonly a: Ref }
  /** Shift left; arithmetic shift right (toward minus infinity). */
  | { readonly cell: "shl" | "sra"; readonly a: Ref; readonly n: number }
  /** Signed comparison: a bit. */
  | { readonly cell: "cmp"; readonly pred: "lt" | "le" | "eq" | "ne"; readonly a: Ref; readonly b: Ref }
  | { readonly cell: "not"; readonly a: Ref }
  | { readonly cell: "and" | "or" | "xor"; readonly a: Ref; readonly b: Ref }
  /** sel ? a : b */
  | { readonly cell: "mux"; readonly sel: Ref; readonly a: Ref; readonly b: Ref }
  /** Bit `index` of a signed wire. */
  | { readonly cell: "bit"; readonly a: Ref; readonly index: number }
  /** 1 when any of bits hi..lo of a signed wire is set. */
  | { readonly cell: "anyBits"; readonly a: Ref; readonly hi: number; readonly lo: number }
  /** A bit as a signed 0 or 1. */
  | { readonly cell: "fromBit"; readonly a: Ref }
  /** An unsigned port equal to a constant code. */
  | { readonly cell: "codeIs"; readonly a: Ref; readonly code: number }
  /** rom[index] for an index in [0, length - 1], else 0 (the lowering proves the index in range). */
  | { readonly cell: "rom"; readonly rom: Ref; readonly index: Ref; readonly indexWidth: number };

export interface Wire {
  readonly name: Ref;
  readonly type: WireType;
  readonly def: Cell;
}

/** Consecutive wires from one source location, printed under one comment. */
export interface Block {
  readonly comment: readonly string[];
  readonly wires: readonly Wire[];
}

export interface Port {
  readonly name: Ref;
  readonly type: WireType;
  readonly comment: string;
}

/**
 * A clocked register. On a clock edge with reset high it takes `reset`; otherwise the first update whose
 * condition (a bit wire, or "always") holds assigns its value; with none, it keeps its value.
 */
export interface Register {
  readonly name: Ref;
  readonly type: WireType;
  readonly reset: bigint;
  readonly updates: readonly { readonly when: Ref | "always"; readonly value: Ref }[];
  /** Registers that drive output ports are printed as the ports themselves. */
  readonly isOutput: boolean;
  readonly comment: string;
}

export interface Rom {
  readonly name: Ref;
  /** A name for the table's array type (VHDL needs one). */
  readonly typeName: Ref;
  readonly width: number;
  readonly values: readonly bigint[];
  readonly comment: string;
}

export interface Netlist {
  readonly module: Ref;
  readonly header: readonly string[];
  readonly clock: Ref;
  readonly reset: Ref;
  /** Clock cycles from an event's valid beat to its out_valid (one event per clock at any latency). */
  readonly latency: number;
  readonly inputs: readonly Port[];
  /** Output ports, each driven by the register of the same name. */
  readonly outputs: readonly Port[];
  readonly roms: readonly Rom[];
  readonly blocks: readonly Block[];
  readonly registers: readonly { readonly comment: string; readonly registers: readonly Register[] }[];
  /** The register of each IR state slot, and of each parameter slot (base then derived), in slot order. */
  readonly stateRegisters: readonly Ref[];
  readonly paramRegisters: readonly Ref[];
}

export function widthOf(t: WireType): number {
  return t.kind === "bit" ? 1 : t.width;
}

/** Bits of a ROM address: enough for its last entry. */
export const addressBits = (rom: Rom): number => Math.max(1, (rom.values.length - 1).toString(2).length);
