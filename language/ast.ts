import type { Span } from "./span.js";

/** The surface syntax of a `.lstep` file. Every node carries the span it was parsed from. */

export interface Ident {
  readonly name: string;
  readonly span: Span;
}

export type DurationUnit = "ns" | "us" | "ms" | "s" | "m" | "h";

export type Expr =
  | { readonly kind: "number"; readonly text: string; readonly span: Span }
  | { readonly kind: "ticks"; readonly text: string; readonly span: Span }
  | { readonly kind: "lots"; readonly text: string; readonly span: Span }
  | { readonly kind: "duration"; readonly text: string; readonly unit: DurationUnit; readonly span: Span }
  | { readonly kind: "bool"; readonly value: boolean; readonly span: Span }
  | { readonly kind: "name"; readonly name: string; readonly span: Span }
  | { readonly kind: "unary"; readonly op: UnaryOp; readonly operand: Expr; readonly span: Span }
  | { readonly kind: "binary"; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr; readonly span: Span }
  | { readonly kind: "call"; readonly callee: Ident; readonly args: readonly Arg[]; readonly span: Span }
  | { readonly kind: "error"; readonly span: Span };

export type UnaryOp = "-" | "not";
export type BinaryOp = "+" | "-" | "*" | "/" | "%" | "<" | "<=" | ">" | ">=" | "==" | "!=" | "and" | "or";

/** A call argument, positional or named (`halflife = vol_hl`). */
export interface Arg {
  readonly name?: Ident;
  readonly value: Expr;
  readonly span: Span;
}

export type TypeExpr =
  | {
      readonly kind: "fix";
      readonly intBits: number;
      readonly fracBits: number;
      /** `fix<22.8> ticks`: a fixed-point price; `lots`: a fixed-point quantity. */
      readonly unit?: "ticks" | "lots";
      readonly span: Span;
    }
  | { readonly kind: "named"; readonly name: Ident };

export interface RangeExpr {
  readonly lo: Expr;
  readonly hi: Expr;
  readonly span: Span;
}

export interface InstrumentField {
  readonly name: Ident;
  /** `tick = 0.25` style fields carry a value; `price in [1, 100000]` style fields carry a range. */
  readonly value?: Expr;
  readonly range?: RangeExpr;
  readonly span: Span;
}

export interface InstrumentDecl {
  readonly kind: "instrument";
  readonly name: Ident;
  readonly fields: readonly InstrumentField[];
  readonly span: Span;
}

export interface ParamDecl {
  readonly name: Ident;
  readonly type: TypeExpr;
  readonly value: Expr;
  readonly range?: RangeExpr;
  readonly span: Span;
}

export interface ParamsDecl {
  readonly kind: "params";
  readonly params: readonly ParamDecl[];
  readonly span: Span;
}

export interface StateDecl {
  readonly kind: "state";
  readonly name: Ident;
  readonly type?: TypeExpr;
  readonly init: Expr;
  readonly range?: RangeExpr;
  readonly span: Span;
}

export type Stmt =
  | { readonly kind: "let"; readonly name: Ident; readonly type?: TypeExpr; readonly value: Expr; readonly span: Span }
  | { readonly kind: "assign"; readonly target: Ident; readonly value: Expr; readonly span: Span }
  | {
      readonly kind: "quote";
      readonly fields: readonly Arg[];
      /** `within 1 tick`: the deviation from the float semantics the author accepts (lockstep accuracy). */
      readonly within?: { readonly ticks: string; readonly unit: string; readonly span: Span };
      /** `else clamp` or `else cancel`: what a quote outside the instrument's ranges, or crossed, becomes. */
      readonly otherwise?: Ident;
      readonly span: Span;
    }
  /** `cancel`: pulls every quote of the strategy, unless the event quotes again after it. */
  | { readonly kind: "cancel"; readonly span: Span }
  | {
      /** `for k in [0, 3] { ... }`: unrolled at compile time, k a constant in each copy. */
      readonly kind: "for";
      readonly variable: Ident;
      readonly range: RangeExpr;
      readonly body: readonly Stmt[];
      readonly span: Span;
    }
  /** `timer after 250ms`: arms the strategy's timer; `on timer` runs once it is due. */
  | { readonly kind: "timer"; readonly delay: Expr; readonly span: Span }
  | {
      readonly kind: "if";
      readonly cond: Expr;
      readonly then: readonly Stmt[];
      readonly otherwise: readonly Stmt[];
      readonly span: Span;
    };

export interface Handler {
  readonly kind: "handler";
  readonly event: Ident;
  readonly body: readonly Stmt[];
  readonly span: Span;
}

/** `fn name(a, b) = expr`: a pure function of expressions, inlined at each call. */
export interface FnDecl {
  readonly kind: "fn";
  readonly name: Ident;
  readonly params: readonly Ident[];
  readonly body: Expr;
  readonly span: Span;
}

export interface StrategyDecl {
  readonly kind: "strategy";
  readonly name: Ident;
  readonly instrument: Ident;
  readonly members: readonly (StateDecl | Handler | FnDecl)[];
  readonly span: Span;
}

export type RiskRule =
  | { readonly kind: "limit"; readonly limit: Ident; readonly value: Expr; readonly span: Span }
  | { readonly kind: "price_band"; readonly width: Expr; readonly reference: Ident; readonly span: Span }
  | { readonly kind: "max_messages"; readonly count: Expr; readonly per: Expr; readonly span: Span }
  | { readonly kind: "kill_switch"; readonly span: Span }
  | { readonly kind: "invariant"; readonly cond: Expr; readonly span: Span };

export interface RiskDecl {
  readonly kind: "risk";
  readonly name: Ident;
  readonly instrument: Ident;
  readonly rules: readonly RiskRule[];
  readonly span: Span;
}

export type Item = InstrumentDecl | ParamsDecl | StrategyDecl | RiskDecl;

export interface Program {
  readonly items: readonly Item[];
  readonly span: Span;
}
