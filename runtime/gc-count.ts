import { PerformanceObserver, performance } from "node:perf_hooks";

/**
 * Runs `fn` and counts the garbage collections that started while it ran, in this thread: the evidence
 * that a hot loop allocates nothing per record. Collection entries reach observers on a later turn of
 * the event loop, so the count is read after a short pause and matched by start time.
 */
export async function countCollections<R>(fn: () => R): Promise<{ result: R; collections: number }> {
  const starts: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) starts.push(entry.startTime);
  });
  observer.observe({ entryTypes: ["gc"] });
  const from = performance.now();
  const result = fn();
  const to = performance.now();
  await new Promise<void>((resolve) => setTimeout(resolve, 10));
  observer.disconnect();
  return { result, collections: starts.filter((t) => t >= from && t <= to).length };
}
