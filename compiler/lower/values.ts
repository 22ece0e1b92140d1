import type { Num } from "../ir-builder.js";
import type { DerivedExpr } from "../ir.js";
import type { RBounds } from "../derived-bounds.js";
import type { Unit } from "../units.js";
import type { Span } from "../../language/span.js";

/**
 * What an expression lowers to. Parameter-only expressions stay symbolic (`static`) until they meet a
 * per-event value; only then do they become a constant or a derived parameter slot. That is how
 * parameter-only terms are hoisted out of the per-event code.
 */
export type Val =
  | { readonly kind: "num"; readonly num: Num; readonly unit: Unit; readonly bool: boolean }
  | {
      readonly kind: "static";
      readonly expr: DerivedExpr;
      readonly bounds: RBounds;
      readonly unit: Unit;
      readonly bool: boolean;
      readonly text: string;
      /** Where the expression was written: range errors of the derived value are reported here. */
      readonly span: Span;
      /** Set when the expression is exactly one declared parameter. */
      readonly paramSlot?: number;
    }
  | { readonly kind: "error" };

export const ERROR: Val = { kind: "error" };
