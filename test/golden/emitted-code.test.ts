import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/pipeline.js";
import { emitTypeScript } from "../../targets/ts/emit-ts.js";
import { emitWasm } from "../../targets/wasm/emit-wasm.js";

const EXAMPLES = ["avellaneda", "glft", "grid"];

/** Golden files: a change to the parser's output or the emitted code shows up as a reviewed diff. */
describe.each(EXAMPLES)("%s golden files", (name) => {
  const path = `examples/${name}.lstep`;
  const c = compileSource(path, readFileSync(new URL(`../../${path}`, import.meta.url), "utf8"));

  it("parses to the recorded AST", async () => {
    await expect(JSON.stringify(c.ast, null, 1)).toMatchFileSnapshot(`./${name}.ast.json`);
  });

  it("emits the recorded TypeScript", async () => {
    expect(c.ir).toBeDefined();
    await expect(await emitTypeScript(c.ir!)).toMatchFileSnapshot(`./${name}.ts.golden`);
  });

  it("emits the recorded WebAssembly text", async () => {
    await expect((await emitWasm(c.ir!)).wat).toMatchFileSnapshot(`./${name}.wat.golden`);
  });
});
