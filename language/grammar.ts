import type * as A from "./ast.js";
import type { Span } from "./span.js";
import * as T from "./tokens.js";

import { ExpressionGrammar } from "./expression-grammar.js";
import { cover, ident, NO_SPAN, tokSpan } from "./grammar-support.js";

/**
 * The grammar, with the AST built in embedded actions. A visitor over a CST would allocate a second
 * tree for nothing: each rule here only assembles its node from its children and their spans.
 * Recovery is on, so one parse reports several syntax errors; recovered rules return `error` nodes.
 */

export class LstepGrammar extends ExpressionGrammar {
  constructor(validate = false) {
    super(validate);
    this.performSelfAnalysis();
  }

  program = this.RULE("program", (): A.Program => {
    const items: A.Item[] = [];
    this.MANY(() => {
      const item = this.SUBRULE(this.item);
      this.ACTION(() => item && items.push(item));
    });
    return { items, span: NO_SPAN };
  });

  private item = this.RULE(
    "item",
    (): A.Item | undefined =>
      this.OR([
        { ALT: () => this.SUBRULE(this.instrument) },
        { ALT: () => this.SUBRULE(this.params) },
        { ALT: () => this.SUBRULE(this.strategy) },
        { ALT: () => this.SUBRULE(this.risk) },
      ]),
    { recoveryValueFunc: () => undefined },
  );

  private instrument = this.RULE("instrument", (): A.InstrumentDecl => {
    const kw = this.CONSUME(T.Instrument);
    const name = this.CONSUME(T.Identifier);
    this.CONSUME(T.LBrace);
    const fields: A.InstrumentField[] = [];
    this.MANY(() => {
      const f = this.SUBRULE(this.instrumentField);
      this.ACTION(() => fields.push(f));
    });
    const close = this.CONSUME(T.RBrace);
    return { kind: "instrument", name: ident(name), fields, span: cover(tokSpan(kw), tokSpan(close)) };
  });

  private instrumentField = this.RULE("instrumentField", (): A.InstrumentField => {
    const name = this.CONSUME(T.Identifier);
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Equals);
          const value = this.SUBRULE(this.expr);
          return { name: ident(name), value, span: cover(tokSpan(name), value?.span) };
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.In);
          const range = this.SUBRULE(this.range);
          this.OPTION(() => this.OR1([{ ALT: () => this.CONSUME(T.Ticks) }, { ALT: () => this.CONSUME(T.Lots) }]));
          return { name: ident(name), range, span: cover(tokSpan(name), range?.span) };
        },
      },
    ]);
  });

  private range = this.RULE("range", (): A.RangeExpr => {
    const open = this.CONSUME(T.LBracket);
    const lo = this.SUBRULE(this.expr);
    this.CONSUME(T.Comma);
    const hi = this.SUBRULE1(this.expr);
    const close = this.CONSUME(T.RBracket);
    return { lo, hi, span: cover(tokSpan(open), tokSpan(close)) };
  });

  private params = this.RULE("params", (): A.ParamsDecl => {
    const kw = this.CONSUME(T.Params);
    this.CONSUME(T.LBrace);
    const params: A.ParamDecl[] = [];
    this.MANY(() => {
      const p = this.SUBRULE(this.paramDecl);
      this.ACTION(() => params.push(p));
    });
    const close = this.CONSUME(T.RBrace);
    return { kind: "params", params, span: cover(tokSpan(kw), tokSpan(close)) };
  });

  private paramDecl = this.RULE("paramDecl", (): A.ParamDecl => {
    const name = this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    const type = this.SUBRULE(this.typeExpr);
    this.CONSUME(T.Equals);
    const value = this.SUBRULE(this.expr);
    const range = this.OPTION(() => {
      this.CONSUME(T.In);
      return this.SUBRULE(this.range);
    });
    return { name: ident(name), type, value, range, span: cover(tokSpan(name), (range ?? value)?.span) };
  });

  private typeExpr = this.RULE("typeExpr", (): A.TypeExpr =>
    this.OR([
      {
        ALT: () => {
          const kw = this.CONSUME(T.Fix);
          this.CONSUME(T.Less);
          const format = this.CONSUME(T.NumberLiteral);
          const close = this.CONSUME(T.Greater);
          const unit = this.OPTION2(() =>
            this.OR2([{ ALT: () => this.CONSUME(T.Ticks) }, { ALT: () => this.CONSUME(T.Lots) }]),
          );
          const [intBits, fracBits] = this.ACTION(() => parseFormat(format.image)) ?? [0, 0];
          const unitName =
            unit === undefined ? undefined : unit.tokenType === T.Ticks ? ("ticks" as const) : ("lots" as const);
          return {
            kind: "fix" as const,
            intBits,
            fracBits,
            unit: unitName,
            span: cover(tokSpan(kw), tokSpan(unit ?? close)),
          };
        },
      },
      { ALT: () => ({ kind: "named" as const, name: ident(this.CONSUME(T.Identifier)) }) },
    ]),
  );

  private strategy = this.RULE("strategy", (): A.StrategyDecl => {
    const kw = this.CONSUME(T.Strategy);
    const name = this.CONSUME(T.Identifier);
    this.CONSUME(T.On);
    const instrument = this.CONSUME1(T.Identifier);
    this.CONSUME(T.LBrace);
    const members: (A.StateDecl | A.Handler | A.FnDecl)[] = [];
    this.MANY(() => {
      const m = this.OR([
        { ALT: () => this.SUBRULE(this.stateDecl) },
        { ALT: () => this.SUBRULE(this.handler) },
        { ALT: () => this.SUBRULE(this.fnDecl) },
      ]);
      this.ACTION(() => members.push(m));
    });
    const close = this.CONSUME(T.RBrace);
    return {
      kind: "strategy",
      name: ident(name),
      instrument: ident(instrument),
      members,
      span: cover(tokSpan(kw), tokSpan(close)),
    };
  });

  private stateDecl = this.RULE("stateDecl", (): A.StateDecl => {
    const kw = this.CONSUME(T.State);
    const name = this.CONSUME(T.Identifier);
    const type = this.OPTION(() => {
      this.CONSUME(T.Colon);
      return this.SUBRULE(this.typeExpr);
    });
    this.CONSUME(T.Equals);
    const init = this.SUBRULE(this.expr);
    const range = this.OPTION1(() => {
      this.CONSUME(T.In);
      return this.SUBRULE(this.range);
    });
    return { kind: "state", name: ident(name), type, init, range, span: cover(tokSpan(kw), (range ?? init)?.span) };
  });

  private fnDecl = this.RULE("fnDecl", (): A.FnDecl => {
    const kw = this.CONSUME(T.Fn);
    const name = this.CONSUME(T.Identifier);
    this.CONSUME(T.LParen);
    const params: A.Ident[] = [];
    this.MANY_SEP({
      SEP: T.Comma,
      DEF: () => {
        const p = this.CONSUME1(T.Identifier);
        this.ACTION(() => params.push(ident(p)));
      },
    });
    this.CONSUME(T.RParen);
    this.CONSUME(T.Equals);
    const body = this.SUBRULE(this.expr);
    return { kind: "fn", name: ident(name), params, body, span: cover(tokSpan(kw), body?.span) };
  });

  private handler = this.RULE("handler", (): A.Handler => {
    const kw = this.CONSUME(T.On);
    const event = this.CONSUME(T.Identifier);
    const block = this.SUBRULE(this.block);
    return { kind: "handler", event: ident(event), body: block?.body ?? [], span: cover(tokSpan(kw), block?.span) };
  });

  private block = this.RULE("block", (): { body: A.Stmt[]; span: Span } => {
    const open = this.CONSUME(T.LBrace);
    const body: A.Stmt[] = [];
    this.MANY(() => {
      const s = this.SUBRULE(this.stmt);
      this.ACTION(() => s && body.push(s));
    });
    const close = this.CONSUME(T.RBrace);
    return { body, span: cover(tokSpan(open), tokSpan(close)) };
  });

  private stmt = this.RULE(
    "stmt",
    (): A.Stmt | undefined =>
      this.OR([
        { ALT: () => this.SUBRULE(this.letStmt) },
        { ALT: () => this.SUBRULE(this.quoteStmt) },
        { ALT: () => this.SUBRULE(this.ifStmt) },
        { ALT: () => this.SUBRULE(this.forStmt) },
        {
          GATE: () => this.LA(1).image === "timer" && this.LA(2).tokenType === T.After,
          ALT: () => this.SUBRULE(this.timerStmt),
        },
        {
          GATE: () => this.LA(1).image === "cancel" && this.LA(2).tokenType !== T.Equals,
          ALT: () => this.SUBRULE(this.cancelStmt),
        },
        { ALT: () => this.SUBRULE(this.assignStmt) },
      ]),
    { recoveryValueFunc: () => undefined },
  );

  private timerStmt = this.RULE("timerStmt", (): A.Stmt => {
    const kw = this.CONSUME(T.Identifier);
    this.CONSUME(T.After);
    const delay = this.SUBRULE(this.expr);
    return { kind: "timer", delay, span: cover(tokSpan(kw), delay?.span) };
  });

  private cancelStmt = this.RULE("cancelStmt", (): A.Stmt => {
    const kw = this.CONSUME(T.Identifier);
    return { kind: "cancel", span: tokSpan(kw) };
  });

  private letStmt = this.RULE("letStmt", (): A.Stmt => {
    const kw = this.CONSUME(T.Let);
    const name = this.CONSUME(T.Identifier);
    const type = this.OPTION(() => {
      this.CONSUME(T.Colon);
      return this.SUBRULE(this.typeExpr);
    });
    this.CONSUME(T.Equals);
    const value = this.SUBRULE(this.expr);
    return { kind: "let", name: ident(name), type, value, span: cover(tokSpan(kw), value?.span) };
  });

  private assignStmt = this.RULE("assignStmt", (): A.Stmt => {
    const name = this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    const value = this.SUBRULE(this.expr);
    return { kind: "assign", target: ident(name), value, span: cover(tokSpan(name), value?.span) };
  });

  private quoteStmt = this.RULE("quoteStmt", (): A.Stmt => {
    const kw = this.CONSUME(T.Quote);
    const fields: A.Arg[] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: T.Comma,
      DEF: () => {
        const a = this.SUBRULE(this.arg);
        this.ACTION(() => fields.push(a));
      },
    });
    let within: { ticks: string; unit: string; span: Span } | undefined;
    this.OPTION(() => {
      const w = this.CONSUME(T.Within);
      const n = this.CONSUME(T.NumberLiteral);
      const unit = this.OR([
        { ALT: () => this.CONSUME(T.Ticks) },
        { ALT: () => this.CONSUME(T.Lots) },
        { ALT: () => this.CONSUME(T.Identifier) },
      ]);
      within = { ticks: n.image, unit: unit.image, span: cover(tokSpan(w), tokSpan(unit)) };
    });
    const otherwise = this.OPTION1(() => {
      this.CONSUME(T.Else);
      return ident(this.CONSUME1(T.Identifier));
    });
    const last = otherwise?.span ?? within?.span ?? (fields.length ? fields[fields.length - 1]?.span : tokSpan(kw));
    return { kind: "quote", fields, ...(within ? { within } : {}), ...(otherwise ? { otherwise } : {}), span: cover(tokSpan(kw), last) };
  });

  private ifStmt = this.RULE("ifStmt", (): A.Stmt => {
    const kw = this.CONSUME(T.If);
    const cond = this.SUBRULE(this.expr);
    const then = this.SUBRULE(this.block);
    let end: Span | undefined = then?.span;
    const otherwise =
      this.OPTION(() => {
        this.CONSUME(T.Else);
        return this.OR([
          {
            ALT: () => {
              const b = this.SUBRULE1(this.block);
              end = b?.span;
              return b?.body ?? [];
            },
          },
          {
            ALT: () => {
              const nested = this.SUBRULE(this.ifStmt);
              end = nested?.span;
              return [nested];
            },
          },
        ]);
      }) ?? [];
    return { kind: "if", cond, then: then?.body ?? [], otherwise, span: cover(tokSpan(kw), end) };
  });

  private forStmt = this.RULE("forStmt", (): A.Stmt => {
    const kw = this.CONSUME(T.For);
    const variable = this.CONSUME(T.Identifier);
    this.CONSUME(T.In);
    const range = this.SUBRULE(this.range);
    const block = this.SUBRULE(this.block);
    return {
      kind: "for",
      variable: ident(variable),
      range,
      body: block?.body ?? [],
      span: cover(tokSpan(kw), block?.span),
    };
  });

  private risk = this.RULE("risk", (): A.RiskDecl => {
    const kw = this.CONSUME(T.Risk);
    const name = this.CONSUME(T.Identifier);
    this.CONSUME(T.On);
    const instrument = this.CONSUME1(T.Identifier);
    this.CONSUME(T.LBrace);
    const rules: A.RiskRule[] = [];
    this.MANY(() => {
      const r = this.SUBRULE(this.riskRule);
      this.ACTION(() => r && rules.push(r));
    });
    const close = this.CONSUME(T.RBrace);
    return {
      kind: "risk",
      name: ident(name),
      instrument: ident(instrument),
      rules,
      span: cover(tokSpan(kw), tokSpan(close)),
    };
  });

  private riskRule = this.RULE(
    "riskRule",
    (): A.RiskRule | undefined =>
      this.OR([
        { ALT: () => ({ kind: "kill_switch" as const, span: tokSpan(this.CONSUME(T.KillSwitch)) }) },
        {
          ALT: () => {
            const kw = this.CONSUME(T.Invariant);
            const cond = this.SUBRULE(this.expr);
            return { kind: "invariant" as const, cond, span: cover(tokSpan(kw), cond?.span) };
          },
        },
        {
          ALT: () => {
            const kw = this.CONSUME(T.PriceBand);
            const width = this.SUBRULE1(this.expr);
            this.CONSUME(T.Around);
            const reference = this.CONSUME(T.Identifier);
            return {
              kind: "price_band" as const,
              width,
              reference: ident(reference),
              span: cover(tokSpan(kw), tokSpan(reference)),
            };
          },
        },
        {
          ALT: () => {
            const kw = this.CONSUME(T.MaxMessages);
            const count = this.SUBRULE2(this.expr);
            this.CONSUME(T.Per);
            const per = this.SUBRULE3(this.expr);
            return { kind: "max_messages" as const, count, per, span: cover(tokSpan(kw), per?.span) };
          },
        },
        {
          ALT: () => {
            const limit = this.CONSUME1(T.Identifier);
            const value = this.SUBRULE4(this.expr);
            return { kind: "limit" as const, limit: ident(limit), value, span: cover(tokSpan(limit), value?.span) };
          },
        },
      ]),
    { recoveryValueFunc: () => undefined },
  );
}

function parseFormat(image: string): [number, number] {
  const [i, f] = image.split(".");
  return [Number(i.replace(/_/g, "")), f === undefined ? -1 : Number(f.replace(/_/g, ""))];
}
