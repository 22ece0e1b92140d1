import type * as A from "../../language/ast.js";
import type { Span } from "../../language/span.js";
import type { EventKindName } from "../event-vocabulary.js";
import { IrBuilder, type Num } from "../ir-builder.js";
import type { Val } from "./values.js";
import type { ProgramModel } from "./program-model.js";
import type { TypeInfo } from "./declarations.js";

export interface QuoteVals {
  readonly valid: Num;
  readonly bid: Num;
  readonly ask: Num;
  readonly bidQty: Num;
  readonly askQty: Num;
}

/** Names visible in every handler, fixed before any handler is lowered. */
export interface GlobalNames {
  readonly states: Map<string, number>;
  /** Risk limits and other named parameter-only values. */
  readonly statics: Map<string, Val>;
  /** The strategy's `fn` declarations, inlined at each call. */
  readonly fns: Map<string, A.FnDecl>;
}

/**
 * Lowering state for one event kind. State reads see the value written earlier in the same event
 * (SSA: `stateNow`); all writes are committed together at the end, guarded by the input check.
 */
export class HandlerContext {
  readonly b: IrBuilder;
  readonly stateNow = new Map<number, Num>();
  scopes: Map<string, Val>[] = [new Map()];
  /** The names each scope defined with `let` (reassignable), with their declared type when one was given. */
  readonly lets = new WeakMap<Map<string, Val>, Map<string, TypeInfo | undefined>>();
  /** The quote of each level issued so far in this event. */
  quotes = new Map<number, QuoteVals>();
  /** 1 when a `cancel` ran in this event (a condition where it ran in one branch only); undefined when none can have. */
  cancelled: Num | undefined;
  /** Event fields by name (trade_price, ...), clamped to their declared ranges. */
  readonly fields = new Map<string, Val>();
  /** The fns being inlined, innermost last: a call to one of them again would never end. */
  readonly inlining: string[] = [];
  /** Set while lowering a state primitive's argument, to reject nested primitives. */
  inPrimitive = false;

  constructor(
    readonly model: ProgramModel,
    readonly event: EventKindName,
    readonly globals: GlobalNames,
  ) {
    this.b = new IrBuilder(model.diags, model.loc);
  }

  readState(slot: number, span: Span): Num {
    return this.stateNow.get(slot) ?? this.readEventStart(slot, span);
  }

  /** The value the state had when the event arrived. */
  readEventStart(slot: number, span: Span): Num {
    const s = this.model.state[slot];
    return this.b.state(slot, s.frac, s.range, span);
  }

  writeState(slot: number, value: Num): void {
    this.stateNow.set(slot, value);
  }

  lookupLocal(name: string): Val | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const v = this.scopes[i].get(name);
      if (v) return v;
    }
    return undefined;
  }
}
