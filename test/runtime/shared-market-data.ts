import { existsSync } from "node:fs";
import { join } from "node:path";

/** The full sample recordings beside the checkout (`../shared/data/market/`), when they exist; a worktree sits one level deeper. */
export function sharedMarketData(file: string): string | undefined {
  return ["../shared/data/market", "../../shared/data/market"].map((d) => join(d, file)).find((p) => existsSync(p));
}
