import type { TokenType } from "chevrotain";
import { createToken, Lexer } from "./chevrotain-runtime.js";

/** The one ordered token list of the language. Keywords take precedence over identifiers via `longer_alt`. */

export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED });
export const Comment = createToken({ name: "Comment", pattern: /#[^\n]*/, group: Lexer.SKIPPED });

export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_][A-Za-z0-9_]*/ });
const keyword = (word: string) =>
  createToken({ name: `Kw_${word}`, label: `'${word}'`, pattern: new RegExp(word), longer_alt: Identifier });

export const Instrument = keyword("instrument");
export const Params = keyword("params");
export const Strategy = keyword("strategy");
export const Risk = keyword("risk");
export const On = keyword("on");
export const State = keyword("state");
export const Let = keyword("let");
export const Quote = keyword("quote");
export const If = keyword("if");
export const For = keyword("for");
export const Else = keyword("else");
export const In = keyword("in");
export const And = keyword("and");
export const Or = keyword("or");
export const Not = keyword("not");
export const True = keyword("true");
export const False = keyword("false");
export const Fix = keyword("fix");
export const KillSwitch = keyword("kill_switch");
export const Invariant = keyword("invariant");
export const PriceBand = keyword("price_band");
export const Around = keyword("around");
export const MaxMessages = keyword("max_messages");
export const Per = keyword("per");
export const Ticks = keyword("ticks");
export const Lots = keyword("lots");
export const Within = keyword("within");
export const After = keyword("after");
export const Fn = keyword("fn");

export const DurationLiteral = createToken({
  name: "DurationLiteral",
  pattern: /\d[\d_]*(\.\d[\d_]*)?(ns|us|ms|s|m|h)(?![A-Za-z0-9_])/,
});
export const NumberLiteral = createToken({ name: "NumberLiteral", pattern: /\d[\d_]*(\.\d[\d_]*)?/ });

export const LBrace = createToken({ name: "LBrace", pattern: /\{/, label: "'{'" });
export const RBrace = createToken({ name: "RBrace", pattern: /\}/, label: "'}'" });
export const LParen = createToken({ name: "LParen", pattern: /\(/, label: "'('" });
export const RParen = createToken({ name: "RParen", pattern: /\)/, label: "')'" });
export const LBracket = createToken({ name: "LBracket", pattern: /\[/, label: "'['" });
export const RBracket = createToken({ name: "RBracket", pattern: /\]/, label: "']'" });
export const Comma = createToken({ name: "Comma", pattern: /,/, label: "','" });
export const Colon = createToken({ name: "Colon", pattern: /:/, label: "':'" });
export const EqEq = createToken({ name: "EqEq", pattern: /==/, label: "'=='" });
export const NotEq = createToken({ name: "NotEq", pattern: /!=/, label: "'!='" });
export const LessEq = createToken({ name: "LessEq", pattern: /<=/, label: "'<='" });
export const GreaterEq = createToken({ name: "GreaterEq", pattern: />=/, label: "'>='" });
export const Less = createToken({ name: "Less", pattern: /</, label: "'<'" });
export const Greater = createToken({ name: "Greater", pattern: />/, label: "'>'" });
export const Equals = createToken({ name: "Equals", pattern: /=/, label: "'='" });
export const Plus = createToken({ name: "Plus", pattern: /\+/, label: "'+'" });
export const Minus = createToken({ name: "Minus", pattern: /-/, label: "'-'" });
export const Star = createToken({ name: "Star", pattern: /\*/, label: "'*'" });
export const Slash = createToken({ name: "Slash", pattern: /\//, label: "'/'" });
export const Percent = createToken({ name: "Percent", pattern: /%/, label: "'%'" });
/** C's spellings of the boolean operators, read as `and`, `or` and `not`. */
export const AmpAmp = createToken({ name: "AmpAmp", pattern: /&&/, label: "'&&'", categories: [And] });
export const PipePipe = createToken({ name: "PipePipe", pattern: /\|\|/, label: "'||'", categories: [Or] });
export const Bang = createToken({ name: "Bang", pattern: /!/, label: "'!'", categories: [Not] });

const keywords: TokenType[] = [
  Instrument,
  Params,
  Strategy,
  Risk,
  On,
  State,
  Let,
  Quote,
  If,
  For,
  Else,
  In,
  And,
  Or,
  Not,
  True,
  False,
  Fix,
  KillSwitch,
  Invariant,
  PriceBand,
  Around,
  MaxMessages,
  Per,
  Ticks,
  Lots,
  Within,
  After,
  Fn,
];

/** Longer keywords first, so that `in` does not shadow `instrument` or `invariant`. */
const byLengthDesc = (a: TokenType, b: TokenType) => String(b.PATTERN).length - String(a.PATTERN).length;

export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  ...keywords.sort(byLengthDesc),
  Identifier,
  DurationLiteral,
  NumberLiteral,
  LBrace,
  RBrace,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Colon,
  EqEq,
  NotEq,
  LessEq,
  GreaterEq,
  Less,
  Greater,
  Equals,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  AmpAmp,
  PipePipe,
  Bang,
];

/** `validate`: chevrotain's checks of the token definitions, for the test; a cold start skips them. */
export const makeLexer = (validate = false) =>
  new Lexer(allTokens, { positionTracking: "full", ensureOptimizations: false, skipValidations: !validate });

export const lstepLexer = makeLexer();
