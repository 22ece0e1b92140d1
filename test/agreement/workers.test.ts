import { describe, expect, it } from "vitest";
import { runTest, workerSeeds } from "../../cli/test-command.js";

describe("lockstep test --workers", () => {
  it("worker 0 runs from the run's seed, the others from distinct seeds drawn from it, the same every time", () => {
    const seeds = workerSeeds(20261206, 4);
    expect(seeds[0]).toBe(20261206);
    expect(new Set(seeds).size).toBe(4);
    expect(workerSeeds(20261206, 4)).toEqual(seeds);
    expect(workerSeeds(20261207, 4).slice(1)).not.toEqual(seeds.slice(1));
  });

  it("spreads the streams over two threads and reports their coverage merged", async () => {
    const opts = { runs: 4_000, seed: 3, targets: ["ts", "wasm"], failures: "/tmp/lockstep-workers-test", quiet: true };
    const two = await runTest("examples/grid.lstep", { ...opts, workers: 2 });
    expect(two.exitCode).toBe(0);
    expect(two.workers).toBe(2);
    expect(two.streams).toBe(4_000);
    expect(two.targets!.map((t) => t.streams)).toEqual([4_000, 4_000]);
    expect(two.targets![0].events).toBe(two.targets![1].events);
    // each worker runs its own first round of scenarios: merged, the coverage is what one thread reaches
    expect(two.coveragePercent!).toBeGreaterThan(95);
    expect(two.coverage!.every((row) => row.reasons.covered === row.reasons.total)).toBe(true);
  }, 600_000);
});
