import { readFileSync } from "node:fs";
import { join } from "node:path";
import { cellCounts, countCells, moduleOf, type YosysNetlist } from "./yosys-netlist.js";
import { readCommands, runYosys } from "./yosys-script.js";

export interface Port {
  readonly name: string;
  readonly direction: "input" | "output";
  readonly width: number;
}

/** What yosys says about the RTL itself, before any technology mapping. */
export interface DesignCheck {
  readonly ports: readonly Port[];
  /** One line per inferred latch (yosys's own message); a synchronous design has none. */
  readonly latches: readonly string[];
  /** Warnings of yosys `check` (undriven wires, multiple drivers, combinational loops). */
  readonly checkProblems: readonly string[];
}

const LATCH = (type: string) => /^\$(_)?(a)?dlatch/i.test(type);

/** Elaborates `top`, reads its ports, and looks for latches and `check` problems. */
export function checkDesign(files: readonly string[], top: string, parameters: Readonly<Record<string, number>>, dir: string): DesignCheck {
  const script = [
    ...readCommands(files, top, parameters),
    `hierarchy -check -top ${top}`,
    "proc",
    "flatten",
    "opt_clean",
    "tee -q -o check.txt check",
    "tee -q -o stat.json stat -json",
    "write_json design.json",
  ];
  runYosys(script, "check", dir);
  const netlist = JSON.parse(readFileSync(join(dir, "design.json"), "utf8")) as YosysNetlist;
  const module = moduleOf(netlist, top);
  const ports: Port[] = Object.entries(module.ports).map(([name, p]) => {
    if (p.direction === "inout") throw new Error(`${top}: inout port ${name} is not supported`);
    return { name, direction: p.direction, width: p.bits.length };
  });
  const latchCells = countCells(cellCounts(readFileSync(join(dir, "stat.json"), "utf8"), top), LATCH);
  const inferred = readFileSync(join(dir, "check.log"), "utf8")
    .split("\n")
    .filter((l) => l.includes("Latch inferred"))
    .map((l) => l.trim());
  const latches = latchCells === 0 ? [] : inferred.length ? inferred : [`${latchCells} latch cells`];
  const checkProblems = readFileSync(join(dir, "check.txt"), "utf8")
    .split("\n")
    .filter((l) => l.startsWith("Warning:"))
    .map((l) => l.slice("Warning:".length).trim());
  return { ports, latches, checkProblems };
}
