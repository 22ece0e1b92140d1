import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/pipeline.js";
import { lineCol } from "../../language/source-file.js";

/**
 * A corpus of broken sources, each broken in one way. Each file starts with `# expect: CODE LINE:COL`: the
 * first error the compiler must report (in report order), with the 1-based line:col of its span start. An
 * optional `# hint: text` line asks that the first error's hint contain that text, and `# message: text` its
 * message.
 */

const here = fileURLToPath(new URL(".", import.meta.url));
const dir = join(here, "broken");

/** Files that cannot carry a header comment. binary-garbage.lstep is 512 xorshift32 bytes, every 16th a NUL. */
const NO_HEADER: Record<string, string> = {
  "empty.lstep": "P003 1:1",
  "whitespace-only.lstep": "P003 1:1",
  "binary-garbage.lstep": "L002 1:1",
};

/**
 * Files whose expectation the compiler does not meet yet. They run with `it.fails`, so the suite stays green
 * and starts failing (as a reminder to move the file back) the day the compiler is fixed.
 */
const KNOWN_DEFECTS: Record<string, string> = {};

const files = readdirSync(dir)
  .filter((f) => f.endsWith(".lstep"))
  .sort();

interface Expectation {
  readonly code: string;
  readonly line: number;
  readonly col: number;
  readonly hint?: string;
  readonly message?: string;
}

function expectationOf(name: string, text: string): Expectation {
  const spec = NO_HEADER[name] ?? /^# expect: (.*)$/m.exec(text.split("\n", 1)[0])?.[1];
  const m = spec === undefined ? null : /^([LPNUTRS]\d{3}) (\d+):(\d+)\s*$/.exec(spec);
  if (!m) throw new Error(`${name}: the first line must be '# expect: CODE LINE:COL' (or add the file to NO_HEADER)`);
  const hint = /^# hint: (.*)$/m.exec(text)?.[1]?.trim();
  const message = /^# message: (.*)$/m.exec(text)?.[1]?.trim();
  return { code: m[1], line: Number(m[2]), col: Number(m[3]), hint, message };
}

describe("broken .lstep files", () => {
  it("has a corpus of at least 36 files", () => {
    expect(files.length).toBeGreaterThanOrEqual(36);
  });

  it("lists only existing files in its special cases", () => {
    for (const name of [...Object.keys(NO_HEADER), ...Object.keys(KNOWN_DEFECTS)]) expect(files).toContain(name);
  });

  for (const name of files) {
    const test = name in KNOWN_DEFECTS ? it.fails : it;
    const title = name in KNOWN_DEFECTS ? `${name} (known defect: ${KNOWN_DEFECTS[name]})` : name;
    test(title, () => {
      const text = readFileSync(join(dir, name), "utf8");
      const want = expectationOf(name, text);
      let result: ReturnType<typeof compileSource> | undefined;
      expect(() => {
        result = compileSource(`test/language/broken/${name}`, text);
      }).not.toThrow();
      const { file, diagnostics, ir } = result!;
      const errors = diagnostics.errors();
      expect(errors.length, "at least one error").toBeGreaterThan(0);
      for (const d of errors) {
        expect(d.message.trim(), `${d.code} has a message`).not.toBe("");
        expect((d.hint ?? "").trim(), `${d.code} has a hint`).not.toBe("");
      }
      const first = errors[0];
      const at = lineCol(file, first.span.start);
      expect(`${first.code} ${at.line}:${at.col}`, `first error: ${first.message}`).toBe(`${want.code} ${want.line}:${want.col}`);
      if (want.hint) expect(first.hint).toContain(want.hint);
      if (want.message) expect(first.message).toContain(want.message);
      expect(ir).toBeUndefined();
    });
  }
});
