import type * as A from "../../language/ast.js";

/** Not a name a source can write: present when the strategy arms its timer. */
export const TIMER_USED = "$timer";

/** Every name a strategy's expressions read, walked with an explicit stack (chains are as deep as they are long). */
export function namesUsed(strategy: A.StrategyDecl | undefined): Set<string> {
  const names = new Set<string>();
  const exprs: A.Expr[] = [];
  const stmts: A.Stmt[] = [];
  for (const m of strategy?.members ?? []) {
    if (m.kind === "state") exprs.push(m.init);
    else if (m.kind === "fn") exprs.push(m.body);
    else stmts.push(...m.body);
  }
  for (let s = stmts.pop(); s !== undefined; s = stmts.pop()) {
    switch (s.kind) {
      case "let":
      case "assign":
        exprs.push(s.value);
        break;
      case "quote":
        exprs.push(...s.fields.map((f) => f.value));
        break;
      case "for":
        stmts.push(...s.body);
        break;
      case "cancel":
        break;
      case "timer":
        names.add(TIMER_USED);
        exprs.push(s.delay);
        break;
      case "if":
        exprs.push(s.cond);
        stmts.push(...s.then, ...s.otherwise);
        break;
      default: {
        const never: never = s;
        throw new Error(`unknown statement ${JSON.stringify(never)}`);
      }
    }
  }
  for (const e of exprs) for (const n of namesIn(e)) names.add(n);
  return names;
}

/**
 * The names an expression reads, and the functions it calls (`weighted_mid()` reads the book), walked
 * with an explicit stack: an operator chain is a tree as deep as it is long.
 */
export function namesIn(root: A.Expr): Set<string> {
  const names = new Set<string>();
  const todo: A.Expr[] = [root];
  for (let e = todo.pop(); e !== undefined; e = todo.pop()) {
    if (e.kind === "name") names.add(e.name);
    else if (e.kind === "call") {
      names.add(e.callee.name);
      todo.push(...e.args.map((a) => a.value));
    } else if (e.kind === "unary") todo.push(e.operand);
    else if (e.kind === "binary") todo.push(e.left, e.right);
  }
  return names;
}
