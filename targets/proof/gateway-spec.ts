import type * as A from "../../language/ast.js";
import { constantValue } from "../../compiler/lower/constants.js";
import * as X from "../../compiler/exact-math.js";
import type { IrProgram } from "../../compiler/ir.js";

/**
 * What the risk block promises, read from the source (the AST), not from the IR or the netlist: the
 * properties are checked against the author's words, independently of how the compiler lowered them.
 */

/** A limit is a whole number, or a base parameter (its register holds the raw value, 0 fraction bits). */
export type Limit = { readonly kind: "const"; readonly value: bigint } | { readonly kind: "param"; readonly name: string };

export interface GatewaySpec {
  readonly killSwitch: boolean;
  /** The smallest order the instrument takes: an accepted order is at least this (at least 1 lot). */
  readonly minQty: bigint;
  readonly maxOrderQty?: Limit;
  readonly maxPosition?: Limit;
  /** qty * price must not exceed this (floor(max_notional / (lot * tick * multiplier))). */
  readonly notionalCap?: bigint;
  readonly band?: { readonly width: Limit; readonly reference: "reference" | "mid" | "last_trade" };
  readonly invariants: number;
  /** A rule this prover cannot state, with the reason: reported as not proved, never dropped silently. */
  readonly unsupported: readonly { readonly rule: string; readonly why: string }[];
}

export function gatewaySpec(ast: A.Program, program: IrProgram): GatewaySpec | undefined {
  const risk = ast.items.find((i): i is A.RiskDecl => i.kind === "risk");
  if (!risk) return undefined;
  const instrument = ast.items.find((i): i is A.InstrumentDecl => i.kind === "instrument");
  const unsupported: { rule: string; why: string }[] = [];
  const limit = (rule: string, e: A.Expr): Limit | undefined => {
    const v = constantValue(e);
    if (v) {
      if (v.d === 1n) return { kind: "const", value: v.n };
      unsupported.push({ rule, why: "the limit is not a whole number" });
      return undefined;
    }
    if (e.kind === "name") {
      const p = program.params.find((s) => s.name === e.name);
      if (p && p.frac === 0) return { kind: "param", name: p.name };
    }
    unsupported.push({ rule, why: "the limit is an expression, not a number or a parameter with 0 fraction bits" });
    return undefined;
  };
  const spec: { -readonly [K in keyof GatewaySpec]: GatewaySpec[K] } = {
    killSwitch: false,
    minQty: 1n,
    invariants: 0,
    unsupported,
  };
  const qtyRange = instrument?.fields.find((f) => f.name.name === "qty")?.range;
  const minQty = qtyRange ? constantValue(qtyRange.lo) : undefined;
  if (minQty && minQty.d === 1n && minQty.n > 1n) spec.minQty = minQty.n;
  for (const rule of risk.rules) {
    switch (rule.kind) {
      case "limit":
        if (rule.limit.name === "max_order_qty") spec.maxOrderQty = limit("max_order_qty", rule.value);
        else if (rule.limit.name === "max_position") spec.maxPosition = limit("max_position", rule.value);
        else if (rule.limit.name === "max_notional") {
          const max = constantValue(rule.value);
          if (!max) unsupported.push({ rule: "max_notional", why: "the limit is not a constant" });
          else spec.notionalCap = X.floorR(X.div(max, unitOf(instrument)));
        }
        break;
      case "price_band": {
        const width = limit("price_band", rule.width);
        const reference = rule.reference.name as "reference" | "mid" | "last_trade";
        if (width) spec.band = { width, reference };
        break;
      }
      case "kill_switch":
        spec.killSwitch = true;
        break;
      case "invariant":
        spec.invariants++;
        break;
      case "max_messages":
        // the rate limiter's promise is about time; it is tested, not proved here
        break;
      default: {
        const never: never = rule;
        throw new Error(`unknown risk rule ${JSON.stringify(never)}`);
      }
    }
  }
  return spec;
}

/** lot * tick * multiplier: the quote-currency value of one lot at one tick. */
function unitOf(instrument: A.InstrumentDecl | undefined): X.Rational {
  const field = (name: string) => {
    const f = instrument?.fields.find((x) => x.name.name === name)?.value;
    return (f && constantValue(f)) || X.rat(1n);
  };
  return X.mul(X.mul(field("lot"), field("tick")), field("multiplier"));
}
