import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseVerdicts, type Verdict } from "./gateway-commands.js";

/** The testbench, next to this file in the source tree (dist/ holds only the compiled TypeScript). */
export const TESTBENCH = "bench/hdl/gateway_tb.v";

/**
 * Runs a command file through a gateway with Icarus Verilog (one compile, one simulation for all
 * streams) and returns the verdict of every event beat.
 */
export function simulateGateway(
  sources: readonly string[],
  top: string,
  commands: readonly string[],
  parameters: Readonly<Record<string, number>> = {},
): Verdict[] {
  const dir = mkdtempSync(join(tmpdir(), "lockstep-gateway-"));
  try {
    const sim = join(dir, "sim.vvp");
    const commandFile = join(dir, "commands.hex");
    const verdictFile = join(dir, "verdicts.txt");
    const overrides = Object.entries(parameters).map(([k, v]) => `.${k}(${v})`);
    const defines = [`-DGATEWAY=${top}`, ...(overrides.length ? [`-DGATEWAY_PARAMS=#(${overrides.join(", ")})`] : [])];
    execFileSync("iverilog", ["-g2005", "-Wall", "-Wno-timescale", ...defines, "-s", "gateway_tb", "-o", sim, TESTBENCH, ...sources], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    writeFileSync(commandFile, commands.join("\n") + "\n");
    execFileSync("vvp", ["-n", sim, `+commands=${commandFile}`, `+verdicts=${verdictFile}`], {
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 1 << 24,
    });
    return parseVerdicts(readFileSync(verdictFile, "utf8"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
