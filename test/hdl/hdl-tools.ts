import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Installs the HDL tools when any is missing (scripts/install-hdl-tools.sh); a failure fails the test. */
export function ensureHdlTools(): void {
  const script = fileURLToPath(new URL("../../scripts/install-hdl-tools.sh", import.meta.url));
  const r = spawnSync("bash", [script], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (r.status !== 0) throw new Error(`the HDL tools are missing and could not be installed: ${r.stderr}`);
}
