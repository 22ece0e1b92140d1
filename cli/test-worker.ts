import { chooseTargets, runPart, type PartResult, type WorkerTask } from "./test-command.js";
import { compileFile } from "./read-source.js";

/**
 * A worker thread of `lockstep test --workers N`: its share of the streams, from its own seed, on its
 * own engines. The main thread checked the file and the options; anything wrong here is an internal error.
 */
export default async function runShare(task: WorkerTask): Promise<PartResult> {
  const c = compileFile(task.file);
  const targets = chooseTargets(task.opts);
  if ("error" in c || !c.ir || "error" in targets) throw new Error(`internal: a worker could not load ${task.file}, which the main thread checked`);
  return runPart(c.ir, task.file, targets, task.opts, () => undefined);
}
