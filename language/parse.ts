import type { IRecognitionException, IToken } from "chevrotain";
import type { Program } from "./ast.js";
import type { Diagnostics } from "./diagnostic.js";
import { LstepGrammar } from "./grammar.js";
import { checkNesting } from "./nesting.js";
import type { SourceFile } from "./source-file.js";
import { lstepLexer } from "./tokens.js";

/** One parser instance, reused: chevrotain's self-analysis is costly and the parser keeps no state between inputs. */
let grammar: LstepGrammar | undefined;

export function parseProgram(file: SourceFile, diags: Diagnostics): Program {
  const whole = { start: 0, end: file.text.length };
  if (file.text.trim() === "") {
    diags.error(
      "P003",
      { start: 0, end: 0 },
      "the file is empty",
      "a .lstep file declares an instrument and a strategy or risk block; see examples/avellaneda.lstep",
    );
    return { items: [], span: whole };
  }
  if (file.text.includes("\u0000") || file.text.includes("\uFFFD")) {
    diags.error("L002", { start: 0, end: 0 }, "this is not a text file: it contains NUL bytes or invalid UTF-8", "a .lstep file is UTF-8 text; check that the right file was given");
    return { items: [], span: whole };
  }
  const lexed = lstepLexer.tokenize(file.text);
  reportLexErrors(file, lexed.errors, diags);
  if (!checkNesting(lexed.tokens, diags)) return { items: [], span: whole };
  grammar ??= new LstepGrammar();
  grammar.input = lexed.tokens;
  const program = grammar.program();
  for (const e of grammar.errors) reportSyntaxError(file, e, lexed.tokens, diags);
  if (!diags.hasErrors && (program?.items.length ?? 0) === 0)
    diags.error(
      "P003",
      { start: 0, end: 0 },
      "the file declares nothing",
      "a .lstep file declares an instrument and a strategy or risk block; see examples/avellaneda.lstep",
    );
  return { items: program?.items ?? [], span: whole };
}

function reportLexErrors(file: SourceFile, errors: { offset: number; length: number }[], diags: Diagnostics): void {
  for (const e of errors.slice(0, 20)) {
    const ch = file.text.slice(e.offset, e.offset + Math.min(e.length, 1));
    const code = ch.codePointAt(0) ?? 0;
    const shown = code < 32 || code > 126 ? `U+${code.toString(16).toUpperCase().padStart(4, "0")}` : `'${ch}'`;
    diags.error(
      "L001",
      { start: e.offset, end: e.offset + 1 },
      `unexpected character ${shown}`,
      "only ASCII letters, digits, '_', operators, brackets and '#' comments are allowed",
    );
  }
}

function reportSyntaxError(file: SourceFile, e: IRecognitionException, tokens: IToken[], diags: Diagnostics): void {
  const tok = e.token;
  const atEnd = tok.tokenType?.name === "EOF" || Number.isNaN(tok.startOffset);
  const previous = (e as { previousToken?: { endOffset?: number } }).previousToken;
  const start = atEnd ? endOfInputOffset(file, previous?.endOffset) : tok.startOffset;
  const end = atEnd ? start : (tok.endOffset ?? tok.startOffset) + 1;
  const found = atEnd ? "end of file" : `'${tok.image}'`;
  const expected = describeExpectation(e.message);
  const next = tokens[tokens.findIndex((t) => t.startOffset === tok.startOffset) + 1];
  const usedAsName = expected === "Identifier" || next?.tokenType.name === "Colon" || next?.tokenType.name === "Equals";
  if (!atEnd && tok.tokenType.name.startsWith("Kw_") && usedAsName) {
    diags.error(
      "P002",
      { start, end },
      `'${tok.image}' is a reserved word and cannot be used as a name`,
      "pick another name, e.g. " + tok.image + "_value",
    );
    return;
  }
  diags.error(
    "P001",
    { start, end },
    `unexpected ${found}${expected ? `; expected ${expected}` : ""}`,
    hintFor(e.message, atEnd, atEnd ? "" : tok.image),
  );
}

/** Chevrotain's EOF token has no position: point just after the last real token instead. */
function endOfInputOffset(file: SourceFile, previousEnd: number | undefined): number {
  if (previousEnd !== undefined && !Number.isNaN(previousEnd)) return previousEnd + 1;
  return file.text.trimEnd().length;
}

function describeExpectation(message: string): string {
  const one = /Expecting (?:token of type )?-->\s*(.+?)\s*<--/.exec(message);
  if (one) return one[1];
  const alts = [...message.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1].trim()).filter((s) => !s.includes("but found"));
  const uniq = [...new Set(alts.map((a) => a.replace(/, /g, " ")))].slice(0, 6);
  if (uniq.some((u) => u.includes("NumberLiteral"))) return "an expression";
  return uniq.length ? `one of: ${uniq.join(" | ")}` : "";
}

function hintFor(message: string, atEnd: boolean, image = ""): string {
  if (image === ")" || image === "]") return `this '${image}' has no matching opening bracket`;
  if (describeExpectation(message) === "an expression")
    return "write a value here: a number, a name, a call or a parenthesized expression";
  if (atEnd) return "the file ends too early: close every '{' with '}' and finish the last declaration";
  if (message.includes("'}'")) return "check the braces: each block opened with '{' must be closed with '}'";
  return "see the language tour in README.md for the form of each declaration";
}
