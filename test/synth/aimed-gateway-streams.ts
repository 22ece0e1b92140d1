import fc from "fast-check";
import type { StreamStep } from "../../targets/agreement/streams.js";

/**
 * Order bursts aimed at the message-rate limit: the generic streams are at most 40 events long, too short
 * to spend avellaneda's 100 tokens. A book (so that a reference exists), then well-formed small orders
 * near the mid, with gaps around the refill interval (10 us) and the bucket's tolerance (990 us), and a
 * few fills and trades in between.
 */
export function rateBurst(): fc.Arbitrary<StreamStep[]> {
  const gap = fc.oneof(
    { weight: 20, arbitrary: fc.constant(0) },
    { weight: 6, arbitrary: fc.constantFrom(1, 9_999, 10_000, 10_001) },
    { weight: 1, arbitrary: fc.constantFrom(989_999, 990_000, 990_001, 1_000_000) },
  );
  const order = fc.record({
    kind: fc.constant(4),
    a: fc.integer({ min: 4_999_500, max: 5_000_500 }),
    b: fc.integer({ min: 1, max: 10 }),
    c: fc.constantFrom(-1, 1),
    d: fc.constant(0),
  });
  const other = fc.record({
    kind: fc.constantFrom(1, 2),
    a: fc.integer({ min: 4_999_900, max: 5_000_100 }),
    b: fc.integer({ min: 1, max: 10 }),
    c: fc.constantFrom(-1, 1),
    d: fc.constant(0),
  });
  const step = fc.tuple(fc.oneof({ weight: 30, arbitrary: order }, { weight: 1, arbitrary: other }), gap);
  return fc.array(step, { minLength: 90, maxLength: 220 }).map((steps) => {
    let t = 1_000;
    const book: StreamStep = { kind: 0, t, a: 4_999_999, b: 5, c: 5_000_001, d: 5 };
    return [
      book,
      ...steps.map(([e, dt]) => {
        t += dt;
        return { ...e, t };
      }),
    ];
  });
}

/**
 * Orders whose qty * price is avellaneda's notional cap (10^11 = 2^11 * 5^11), or one price tick either
 * side, with the mid at that price so that the checks after the notional one pass too.
 */
export function notionalEdge(): fc.Arbitrary<StreamStep[]> {
  const pairs = [5_120, 6_250, 8_000, 10_000].map((q) => [100_000_000_000 / q, q] as const);
  return fc
    .tuple(
      fc.constantFrom(...pairs),
      fc.array(fc.tuple(fc.constantFrom(-1, 0, 1), fc.constantFrom(-1, 1), fc.integer({ min: 0, max: 20_000 })), {
        minLength: 1,
        maxLength: 30,
      }),
    )
    .map(([[price, qty], orders]) => {
      let t = 1_000;
      const book: StreamStep = { kind: 0, t, a: price - 1, b: 1, c: price + 1, d: 1 };
      return [
        book,
        ...orders.map(([delta, side, dt]) => {
          t += dt;
          return { kind: 4, t, a: price + delta, b: qty, c: side, d: 0 };
        }),
      ];
    });
}
