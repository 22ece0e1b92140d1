import { describe, expect, it } from "vitest";
import { LstepGrammar } from "../../language/grammar.js";
import { makeLexer } from "../../language/tokens.js";

/** The CLI builds the lexer and the parser without chevrotain's checks (a faster cold start); this keeps them. */
describe("the grammar under chevrotain's validations", () => {
  it("the token definitions and the grammar pass chevrotain's checks", () => {
    expect(makeLexer(true).lexerDefinitionErrors).toEqual([]);
    expect(() => new LstepGrammar(true)).not.toThrow();
  });
});
