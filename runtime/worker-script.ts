/**
 * The compiled script of a worker module. Workers run JavaScript: from dist/ the script sits beside the
 * module that starts it; when that module runs from source (vitest transpiles it on the fly), the built
 * copy in dist/ is used, so `npm run build` must have run.
 */
export function workerScript(moduleUrl: string, name: string): URL {
  if (moduleUrl.endsWith(".js")) return new URL(`./${name}.js`, moduleUrl);
  const source = new URL(".", moduleUrl).href;
  const root = new URL("../", import.meta.url).href;
  if (!source.startsWith(root)) throw new Error(`cannot locate the compiled worker ${name} for ${moduleUrl}`);
  return new URL(`dist/${source.slice(root.length)}${name}.js`, root);
}
