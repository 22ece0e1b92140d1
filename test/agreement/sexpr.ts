/** A tiny s-expression reader and printer for WebAssembly text, enough to mutate emitted modules. */
export type Sexp = string | Sexp[];

export function parseSexp(text: string): Sexp[] {
  const tokens = text.replace(/;;[^\n]*/g, "").match(/\(|\)|"(?:[^"\\]|\\.)*"|[^\s()]+/g) ?? [];
  let i = 0;
  const read = (): Sexp => {
    const t = tokens[i++];
    if (t !== "(") return t;
    const list: Sexp[] = [];
    while (tokens[i] !== ")") list.push(read());
    i++;
    return list;
  };
  const out: Sexp[] = [];
  while (i < tokens.length) out.push(read());
  return out;
}

export function printSexp(e: Sexp): string {
  return typeof e === "string" ? e : `(${e.map(printSexp).join(" ")})`;
}

/** Depth-first search; returns the first list matching `pred` with its parent and index. */
export function findList(root: Sexp, pred: (l: Sexp[]) => boolean): { node: Sexp[]; parent: Sexp[]; index: number } | undefined {
  if (typeof root === "string") return undefined;
  for (let i = 0; i < root.length; i++) {
    const child = root[i];
    if (typeof child === "string") continue;
    if (pred(child)) return { node: child, parent: root, index: i };
    const deeper = findList(child, pred);
    if (deeper) return deeper;
  }
  return undefined;
}

export const head = (l: Sexp[]) => (typeof l[0] === "string" ? l[0] : "");
