import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { checkDesign, type DesignCheck } from "./design-check.js";
import { synthIce40, type Ice40Options, type Ice40Result } from "./ice40.js";
import { ioBits } from "./io-shim.js";
import { synthXcup, type XcupResult } from "./xcup.js";

export interface SynthOptions {
  /** Overrides of the top's Verilog parameters (yosys chparam). */
  readonly parameters?: Readonly<Record<string, number>>;
  /** The top's clock input; every other port goes through the I/O shim. Default "clk". */
  readonly clock?: string;
  /** Run the iCE40 flow (yosys + nextpnr). Default true. */
  readonly ice40?: boolean | Partial<Ice40Options>;
  /** Run the UltraScale+ flow (yosys only). Default true. */
  readonly xcup?: boolean;
  /** Keep scripts, logs and netlists here; otherwise a temporary directory is used and removed. */
  readonly workDir?: string;
}

export interface SynthReport {
  readonly top: string;
  readonly files: readonly string[];
  readonly parameters: Readonly<Record<string, number>>;
  readonly design: DesignCheck;
  /** I/O bits of the top, the clock excluded (what the shim serializes for place and route). */
  readonly io: { readonly inputs: number; readonly outputs: number };
  readonly ice40?: Ice40Result;
  readonly xcup?: XcupResult;
}

export const ICE40_DEFAULTS: Ice40Options = { package: "ct256", targetMHz: 100, seed: 1 };

/**
 * Synthesizes one top for iCE40 HX8K (yosys synth_ice40, nextpnr-ice40) and UltraScale+ (yosys
 * synth_xilinx -family xcup), after checking the RTL for latches and yosys `check` problems.
 */
export function synthesize(files: readonly string[], top: string, options: SynthOptions = {}): SynthReport {
  const paths = files.map((f) => resolve(f));
  const parameters = options.parameters ?? {};
  const clock = options.clock ?? "clk";
  const dir = options.workDir ? resolve(options.workDir) : mkdtempSync(join(tmpdir(), "lockstep-synth-"));
  mkdirSync(dir, { recursive: true });
  try {
    const design = checkDesign(paths, top, parameters, dir);
    const ice40Options = options.ice40 === false ? undefined : { ...ICE40_DEFAULTS, ...(options.ice40 === true ? {} : options.ice40) };
    return {
      top,
      files,
      parameters,
      design,
      io: ioBits(design.ports, clock),
      ice40: ice40Options && synthIce40(paths, top, parameters, design.ports, clock, ice40Options, dir),
      xcup: options.xcup === false ? undefined : synthXcup(paths, top, parameters, dir),
    };
  } finally {
    if (!options.workDir) rmSync(dir, { recursive: true, force: true });
  }
}
