import type { YosysModule } from "./yosys-netlist.js";

/** How a cell counts on a path: it adds a level, it adds none (buffers, inverters), or it ends paths (state). */
export type CellRole = "level" | "free" | "sequential";

/**
 * The longest register-to-register (or port-to-register, register-to-port) path of a mapped, flattened
 * netlist, in cells that count as a level. yosys 0.23's `ltp` cannot do this on vendor cells: its -noff
 * knows only yosys's own flip-flop types, so every FDRE feedback loop is reported as a combinational loop.
 */
export function logicLevels(module: YosysModule, role: (type: string) => CellRole): number {
  const cells = Object.values(module.cells);
  const driver = new Map<number, number>();
  cells.forEach((cell, i) => {
    if (role(cell.type) === "sequential") return;
    for (const [port, dir] of Object.entries(cell.port_directions))
      if (dir === "output") for (const bit of cell.connections[port] ?? []) if (typeof bit === "number") driver.set(bit, i);
  });
  const depth = new Map<number, number>();
  const onStack = new Set<number>();
  // iterative depth-first search: carry chains are thousands of cells deep
  const depthOf = (start: number): number => {
    const stack: { cell: number; inputs: number[]; at: number; best: number }[] = [];
    const push = (i: number) => {
      onStack.add(i);
      const cell = cells[i];
      const inputs = Object.entries(cell.port_directions)
        .filter(([, dir]) => dir === "input")
        .flatMap(([port]) => cell.connections[port] ?? [])
        .filter((b): b is number => typeof b === "number")
        .map((b) => driver.get(b))
        .filter((d): d is number => d !== undefined);
      stack.push({ cell: i, inputs, at: 0, best: 0 });
    };
    push(start);
    let result = 0;
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top.at < top.inputs.length) {
        const next = top.inputs[top.at++];
        const known = depth.get(next);
        if (known !== undefined) top.best = Math.max(top.best, known);
        else if (onStack.has(next)) throw new Error(`a combinational loop through ${cells[next].type} cells`);
        else push(next);
        continue;
      }
      stack.pop();
      onStack.delete(top.cell);
      const d = top.best + (role(cells[top.cell].type) === "level" ? 1 : 0);
      depth.set(top.cell, d);
      result = d;
      if (stack.length) {
        const parent = stack[stack.length - 1];
        parent.best = Math.max(parent.best, d);
      }
    }
    return result;
  };
  let longest = 0;
  cells.forEach((cell, i) => {
    if (role(cell.type) !== "sequential") longest = Math.max(longest, depth.get(i) ?? depthOf(i));
  });
  return longest;
}
