import type { IrProgram } from "../../compiler/ir.js";
import { sliceProgram } from "../../compiler/slice.js";

/**
 * The two tops of a program: `engine`, the whole program, and `gateway`, the slice that decides the
 * risk verdict (accept, reason): every handler, with only the state the verdict depends on (position,
 * the reference price, the rate limiter, the kill switch, the time of the last event).
 */
export type HdlTop = "engine" | "gateway";
export const HDL_TOPS: readonly HdlTop[] = ["engine", "gateway"];

/** The outputs a gateway keeps. */
export const GATEWAY_OUTPUTS = ["accept", "reason"] as const;

/** The program a top implements: the whole one, or its verdict slice (an IrProgram the interpreter runs). */
export function topProgram(program: IrProgram, top: HdlTop): IrProgram {
  switch (top) {
    case "engine":
      return program;
    case "gateway":
      // every program has the verdict outputs (without a risk block they are constant 0)
      return sliceProgram(program, GATEWAY_OUTPUTS);
    default: {
      const never: never = top;
      throw new Error(`unknown top ${String(never)}`);
    }
  }
}

/** The name of a top's module (Verilog) or entity (VHDL), before the namer makes it legal. */
export const topName = (program: IrProgram, top: HdlTop): string => `${program.name.toLowerCase()}_${top}`;
