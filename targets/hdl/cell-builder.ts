import { bitsFor } from "../../compiler/interval.js";
import type { Namer } from "./names.js";
import { BIT, signedOf, widthOf, type Cell, type Ref, type Wire, type WireType } from "./netlist.js";

/** A lowered value: a named wire and its type. */
export interface Val {
  readonly ref: Ref;
  readonly type: WireType;
}

/** Signed bits needed for one constant. */
export const bitsOf = (v: bigint): number => bitsFor({ lo: v, hi: v });

/**
 * Makes wires one cell at a time, with the small conversions every lowering needs (resize, to a bit, to
 * a signed number). Conversions that change nothing make no wire.
 */
export class CellBuilder {
  private wires: Wire[] = [];

  constructor(private readonly namer: Namer) {}

  /** The wires made since the last call. */
  take(): Wire[] {
    const out = this.wires;
    this.wires = [];
    return out;
  }

  wire(want: string, type: WireType, def: Cell): Val {
    const name = this.namer.name(want);
    this.wires.push({ name, type, def });
    return { ref: name, type };
  }

  konst(want: string, value: bigint, width: number): Val {
    return this.wire(want, signedOf(width), { cell: "const", value });
  }

  constBit(want: string, value: boolean): Val {
    return this.wire(want, BIT, { cell: "constBit", value });
  }

  /** The value as a signed number of exactly `width` bits (sign-extended, or its low bits). */
  signed(want: string, v: Val, width: number): Val {
    if (v.type.kind === "bit") {
      const s = this.wire(`${want}_num`, signedOf(2), { cell: "fromBit", a: v.ref });
      return this.signed(want, s, width);
    }
    if (v.type.kind === "unsigned") throw new Error(`internal: ${v.ref} is a code, not a number`);
    if (v.type.width === width) return v;
    return this.wire(`${want}_w${width}`, signedOf(width), { cell: "resize", a: v.ref, from: v.type.width });
  }

  /** The value as a condition: a number is true when it is not zero. */
  bit(want: string, v: Val): Val {
    if (v.type.kind === "bit") return v;
    const zero = this.konst(`${want}_zero`, 0n, widthOf(v.type));
    return this.wire(`${want}_nz`, BIT, { cell: "cmp", pred: "ne", a: v.ref, b: zero.ref });
  }
}
