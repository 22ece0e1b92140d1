/**
 * How the quantity queued ahead of our resting order (`ahead`, in lots) moves, after hftbacktest's
 * queue models. A trade at our price always consumes `ahead` first (price-time priority); the models
 * differ on what a level that shrinks without a trade means.
 *
 * - conservative (hftbacktest's RiskAdverseQueueModel): only trades at our price advance us; a
 *   shrinking level merely caps `ahead` at the level's new size, since no more can be ahead of us than
 *   the level holds (the recording never contains our own order).
 * - probabilistic (hftbacktest's ProbQueueModel with a power function): a decrease not explained by
 *   trades is split between the orders ahead and behind; with f(x) = x^power, the share behind is
 *   f(back) / (f(back) + f(front)), so cancellations come mostly from the longer side. `ahead` is kept
 *   in whole lots, rounded up (the conservative side).
 *
 * Quantity added to a level always joins behind us.
 */
export type QueueModel = { readonly kind: "conservative" } | { readonly kind: "probabilistic"; readonly power: number };

export const QUEUE_MODEL_NAMES = ["conservative", "probabilistic"] as const;

/** `ahead` after the level at our price went from `prev` to `next` lots; `traded` = lots traded there since. */
export function aheadAfterLevelChange(model: QueueModel, ahead: number, prev: number, next: number, traded: number): number {
  switch (model.kind) {
    case "conservative":
      return Math.min(ahead, next);
    case "probabilistic": {
      // what trades at our price removed was already taken off `ahead`: count only the rest
      const change = prev - next - traded;
      if (change <= 0 || !Number.isFinite(ahead)) return Math.min(ahead, next);
      const front = ahead;
      const back = Math.max(0, prev - front);
      const fb = power(back, model.power);
      const ff = power(front, model.power);
      const behindShare = fb + ff === 0 ? 1 : fb / (fb + ff);
      const estimate = front - (1 - behindShare) * change + Math.min(back - behindShare * change, 0);
      return Math.min(Math.max(0, Math.ceil(estimate)), next);
    }
    default:
      return exhaustive(model);
  }
}

/** x^n by repeated products: IEEE-exact steps, so every machine computes the same bits. */
function power(x: number, n: number): number {
  let r = 1;
  for (let i = 0; i < n; i++) r *= x;
  return r;
}

function exhaustive(x: never): never {
  throw new Error(`unknown queue model ${JSON.stringify(x)}`);
}
