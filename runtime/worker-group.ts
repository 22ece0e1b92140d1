import { once } from "node:events";
import { parentPort, Worker, workerData } from "node:worker_threads";
import { countCollections } from "./gc-count.js";

/**
 * Workers that run one job each, started together: every worker sets up (loads its module, opens its
 * rings) and reports ready; once all are ready they are told to go, so a timing covers only the work.
 */
export interface WorkerJob {
  readonly script: URL;
  readonly data: unknown;
}

export interface GroupRun<R> {
  readonly results: R[];
  /** From "go" to the last result, in seconds. */
  readonly seconds: number;
  /** CPU time of this whole process (all threads) over the same span, in seconds. */
  readonly cpuSeconds: number;
  /** Garbage collections during each worker's job. */
  readonly collections: number[];
}

type FromWorker<R> = { readonly type: "ready" } | { readonly type: "done"; readonly result: R; readonly collections: number };

/** Runs the jobs; a worker that throws or exits early stops them all and rejects with its error. `onGo`: called once all are told to go. */
export async function runWorkerGroup<R>(jobs: readonly WorkerJob[], onGo?: () => void): Promise<GroupRun<R>> {
  const workers = jobs.map((j) => new Worker(j.script, { workerData: j.data }));
  const results: R[] = new Array(jobs.length);
  const collections: number[] = new Array(jobs.length);
  let readyCount = 0;
  let doneCount = 0;
  let start = 0n;
  let cpuStart = process.cpuUsage();
  try {
    return await new Promise<GroupRun<R>>((resolve, reject) => {
      workers.forEach((w, i) => {
        w.on("error", reject);
        w.on("exit", (code) => {
          if (results[i] === undefined) reject(new Error(`worker ${jobs[i].script.pathname} exited (code ${code}) before finishing its job`));
        });
        w.on("message", (m: FromWorker<R>) => {
          switch (m.type) {
            case "ready":
              if (++readyCount === workers.length) {
                cpuStart = process.cpuUsage();
                start = process.hrtime.bigint();
                for (const x of workers) x.postMessage("go");
                onGo?.();
              }
              return;
            case "done": {
              results[i] = m.result;
              collections[i] = m.collections;
              if (++doneCount < workers.length) return;
              const seconds = Number(process.hrtime.bigint() - start) / 1e9;
              const cpu = process.cpuUsage(cpuStart);
              resolve({ results, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, collections });
              return;
            }
            default:
              return m satisfies never;
          }
        });
      });
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** Inside a worker: sets up with its workerData, reports ready, waits for go, runs the job, reports the result. */
export async function serveJob<D, S, R>(setup: (data: D) => S | Promise<S>, job: (state: S) => R): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error("serveJob runs inside a worker thread");
  const state = await setup(workerData as D);
  const go = once(port, "message");
  port.postMessage({ type: "ready" } satisfies FromWorker<R>);
  await go;
  const { result, collections } = await countCollections(() => job(state));
  port.postMessage({ type: "done", result, collections } satisfies FromWorker<R>);
}
