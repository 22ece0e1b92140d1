import type { TokenType } from "chevrotain";
import { EmbeddedActionsParser } from "./chevrotain-runtime.js";
import type * as A from "./ast.js";
import * as T from "./tokens.js";

import { cover, errorExpr, ident, NO_SPAN, tokSpan } from "./grammar-support.js";

const SPELLING: Record<string, A.BinaryOp> = { "&&": "and", "||": "or" };

/**
 * The expression rules, shared by every declaration. LstepGrammar extends this class with the
 * declarations and statements; chevrotain records inherited rules like its own.
 */
export abstract class ExpressionGrammar extends EmbeddedActionsParser {
  /** `validate`: chevrotain's grammar checks, for the test that keeps the grammar sound; a cold start skips them. */
  constructor(validate: boolean) {
    super(T.allTokens, { recoveryEnabled: true, maxLookahead: 3, skipValidations: !validate });
  }

  protected arg = this.RULE("arg", (): A.Arg => {
    const name = this.OPTION({
      GATE: () => this.LA(1).tokenType === T.Identifier && this.LA(2).tokenType === T.Equals,
      DEF: () => {
        const n = this.CONSUME(T.Identifier);
        this.CONSUME(T.Equals);
        return ident(n);
      },
    });
    const value = this.SUBRULE(this.expr);
    return { name, value, span: name ? cover(name?.span, value?.span) : value?.span };
  });

  expr = this.RULE("expr", (): A.Expr => this.SUBRULE(this.orExpr), { recoveryValueFunc: errorExpr });

  /** Left-associative chain; chevrotain needs distinct call sites (SUBRULE vs SUBRULE1) for the first and later operands. */
  protected binaryChain(first: () => A.Expr, next: () => A.Expr, operators: readonly TokenType[]): A.Expr {
    let left = first();
    this.MANY({
      DEF: () => {
        const op = this.OR(operators.map((t) => ({ ALT: () => this.CONSUME(t) })));
        const right = next();
        left = this.ACTION(() => ({
          kind: "binary" as const,
          op: SPELLING[op.image] ?? (op.image as A.BinaryOp),
          left,
          right,
          span: cover(left?.span, right?.span),
        }));
      },
    });
    return left;
  }

  protected orExpr = this.RULE("orExpr", (): A.Expr =>
    this.binaryChain(
      () => this.SUBRULE(this.andExpr),
      () => this.SUBRULE1(this.andExpr),
      [T.Or],
    ),
  );
  protected andExpr = this.RULE("andExpr", (): A.Expr =>
    this.binaryChain(
      () => this.SUBRULE(this.notExpr),
      () => this.SUBRULE1(this.notExpr),
      [T.And],
    ),
  );

  protected notExpr = this.RULE("notExpr", (): A.Expr =>
    this.OR([
      {
        ALT: () => {
          const kw = this.CONSUME(T.Not);
          const operand = this.SUBRULE(this.notExpr);
          return { kind: "unary" as const, op: "not" as const, operand, span: cover(tokSpan(kw), operand?.span) };
        },
      },
      { ALT: () => this.SUBRULE(this.cmpExpr) },
    ]),
  );

  protected cmpExpr = this.RULE("cmpExpr", (): A.Expr => {
    const left = this.SUBRULE(this.addExpr);
    return (
      this.OPTION(() => {
        const op = this.OR([
          { ALT: () => this.CONSUME(T.Less) },
          { ALT: () => this.CONSUME(T.LessEq) },
          { ALT: () => this.CONSUME(T.Greater) },
          { ALT: () => this.CONSUME(T.GreaterEq) },
          { ALT: () => this.CONSUME(T.EqEq) },
          { ALT: () => this.CONSUME(T.NotEq) },
        ]);
        const right = this.SUBRULE1(this.addExpr);
        return {
          kind: "binary" as const,
          op: op.image as A.BinaryOp,
          left,
          right,
          span: cover(left?.span, right?.span),
        };
      }) ?? left
    );
  });

  protected addExpr = this.RULE("addExpr", (): A.Expr =>
    this.binaryChain(
      () => this.SUBRULE(this.mulExpr),
      () => this.SUBRULE1(this.mulExpr),
      [T.Plus, T.Minus],
    ),
  );
  protected mulExpr = this.RULE("mulExpr", (): A.Expr =>
    this.binaryChain(
      () => this.SUBRULE(this.unaryExpr),
      () => this.SUBRULE1(this.unaryExpr),
      [T.Star, T.Slash, T.Percent],
    ),
  );

  protected unaryExpr = this.RULE("unaryExpr", (): A.Expr =>
    this.OR([
      {
        ALT: () => {
          const kw = this.CONSUME(T.Minus);
          const operand = this.SUBRULE(this.unaryExpr);
          return { kind: "unary" as const, op: "-" as const, operand, span: cover(tokSpan(kw), operand?.span) };
        },
      },
      { ALT: () => this.SUBRULE(this.primary) },
    ]),
  );

  protected primary = this.RULE("primary", (): A.Expr =>
    this.OR([
      {
        ALT: () => {
          const n = this.CONSUME(T.NumberLiteral);
          const unit = this.OPTION(() =>
            this.OR1([{ ALT: () => this.CONSUME(T.Ticks) }, { ALT: () => this.CONSUME(T.Lots) }]),
          );
          const kind = unit === undefined ? "number" : unit.tokenType === T.Ticks ? "ticks" : "lots";
          return { kind, text: n.image, span: cover(tokSpan(n), unit ? tokSpan(unit) : NO_SPAN) } as A.Expr;
        },
      },
      {
        ALT: () => {
          const d = this.CONSUME(T.DurationLiteral);
          const [, text, unit] = this.ACTION(() => /^([\d_.]+)([a-z]+)$/.exec(d.image)) ?? ["", "0", "ns"];
          return { kind: "duration" as const, text, unit: unit as A.DurationUnit, span: tokSpan(d) };
        },
      },
      { ALT: () => ({ kind: "bool" as const, value: true, span: tokSpan(this.CONSUME(T.True)) }) },
      { ALT: () => ({ kind: "bool" as const, value: false, span: tokSpan(this.CONSUME(T.False)) }) },
      {
        ALT: () => {
          const open = this.CONSUME(T.LParen);
          const inner = this.SUBRULE(this.expr);
          const close = this.CONSUME(T.RParen);
          return this.ACTION(() => ({ ...inner, span: cover(tokSpan(open), tokSpan(close)) })) ?? inner;
        },
      },
      {
        ALT: () => {
          const name = this.CONSUME(T.Identifier);
          const call = this.OPTION1(() => {
            this.CONSUME1(T.LParen);
            const args: A.Arg[] = [];
            this.MANY_SEP({
              SEP: T.Comma,
              DEF: () => {
                const a = this.SUBRULE(this.arg);
                this.ACTION(() => args.push(a));
              },
            });
            const close = this.CONSUME1(T.RParen);
            return { args, close };
          });
          if (call === undefined) return { kind: "name" as const, name: name.image, span: tokSpan(name) };
          return {
            kind: "call" as const,
            callee: ident(name),
            args: call.args,
            span: cover(tokSpan(name), tokSpan(call.close)),
          };
        },
      },
    ]),
  );
}
