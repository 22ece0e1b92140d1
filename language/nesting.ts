import type { IToken, TokenType } from "chevrotain";
import type { Diagnostics } from "./diagnostic.js";
import * as T from "./tokens.js";

/**
 * The parser, the lowering and the checks after it recurse once per level of genuinely nested syntax
 * (brackets, blocks, `else if`, prefix operators); operator chains are walked iteratively. 32 levels is
 * beyond any real program and, measured with a third of Node's default stack (test/language/deep-inputs.test.ts),
 * far below the depth where any stage would overflow.
 */
export const MAX_NESTING = 32;

const OPENERS = new Set<TokenType>([T.LParen, T.LBracket, T.LBrace]);
const CLOSERS = new Set<TokenType>([T.RParen, T.RBracket, T.RBrace]);
/** Tokens that end an operand: a `-` after one of these is binary, otherwise it is a prefix minus. */
const OPERAND_ENDS = new Set<TokenType>([
  T.Identifier,
  T.NumberLiteral,
  T.DurationLiteral,
  T.True,
  T.False,
  T.Ticks,
  T.Lots,
  T.RParen,
  T.RBracket,
]);

/**
 * Reports the first token nested deeper than MAX_NESTING, before the parser would recurse that deep.
 * Depth counts open brackets and braces, the `else if` links of the chain in progress at each block level,
 * and a run of prefix operators (`- - x`, `not not c`). Returns whether the input is within the limit.
 */
export function checkNesting(tokens: readonly IToken[], diags: Diagnostics): boolean {
  /** One entry per open bracket: the `else if` links of the chain in progress inside it. */
  const elseIfs: number[] = [0];
  let open = 0;
  let links = 0;
  let prefixRun = 0;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    const kind = tok.tokenType;
    const previous = tokens[i - 1]?.tokenType;
    const prefix = kind === T.Not || (kind === T.Minus && (previous === undefined || !OPERAND_ENDS.has(previous)));
    prefixRun = prefix ? prefixRun + 1 : 0;
    if (OPENERS.has(kind)) {
      open++;
      elseIfs.push(0);
    } else if (CLOSERS.has(kind) && open > 0) {
      open--;
      links -= elseIfs.pop()!;
      // a block not followed by `else` ends the else-if chain it belongs to
      if (kind === T.RBrace && tokens[i + 1]?.tokenType !== T.Else) {
        links -= elseIfs[elseIfs.length - 1];
        elseIfs[elseIfs.length - 1] = 0;
      }
    } else if (kind === T.If && previous === T.Else) {
      links++;
      elseIfs[elseIfs.length - 1]++;
    }
    if (open + links + prefixRun > MAX_NESTING) {
      diags.error(
        "P004",
        { start: tok.startOffset, end: (tok.endOffset ?? tok.startOffset) + 1 },
        `nesting deeper than ${MAX_NESTING} levels (brackets, blocks, else-if chains and prefix operators count)`,
        "split the expression with let, or combine conditions with and/or instead of nesting ifs",
      );
      return false;
    }
  }
  return true;
}
