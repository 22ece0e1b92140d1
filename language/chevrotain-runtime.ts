import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type * as Chevrotain from "chevrotain";

/**
 * chevrotain's values, from the single-file ESM bundle the package ships (lib/chevrotain.mjs). Its
 * "exports" entry (lib/src/api.js) imports lodash-es module by module: about 2,300 files, 0.6 s of a
 * cold `lockstep check`; the bundle is the same release in one file. Types still come from "chevrotain".
 */
const entry = createRequire(import.meta.url).resolve("chevrotain");
const bundle = join(dirname(entry), "..", "chevrotain.mjs");
const chevrotain = (await import(existsSync(bundle) ? pathToFileURL(bundle).href : "chevrotain")) as typeof Chevrotain;

export const { createToken, Lexer, EmbeddedActionsParser } = chevrotain;
