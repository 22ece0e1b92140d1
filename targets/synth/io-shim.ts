import type { Port } from "./design-check.js";

export const SHIM_TOP = "synth_io_shim";

/**
 * A wrapper that puts any top on four pins (clock, serial in, capture, serial out), so that a gateway
 * with ~270 I/O bits places on an HX8K (the ct256 package has 206 I/Os). Every input bit but the clock
 * comes from a shift register; every output bit is captured into a register and shifted out. Each bit
 * stays observable and controllable, so nothing is optimized away, and the paths into and out of the top
 * start and end at flip-flops, as they would behind a packet parser. The shim adds one flip-flop per I/O
 * bit and one LUT per output bit (the capture multiplexer), the same for every top it wraps.
 */
export function ioShim(top: string, ports: readonly Port[], clock: string): string {
  const inputs = ports.filter((p) => p.direction === "input" && p.name !== clock);
  const outputs = ports.filter((p) => p.direction === "output");
  const inBits = inputs.reduce((n, p) => n + p.width, 0);
  const outBits = outputs.reduce((n, p) => n + p.width, 0);
  if (outBits === 0) throw new Error(`${top} has no outputs: there is nothing to synthesize`);
  const hasClock = ports.some((p) => p.name === clock && p.direction === "input");
  const connections: string[] = [];
  if (hasClock) connections.push(`.${clock}(clk)`);
  let at = 0;
  for (const p of inputs) {
    connections.push(`.${p.name}(shim_ins[${at + p.width - 1}:${at}])`);
    at += p.width;
  }
  at = 0;
  for (const p of outputs) {
    connections.push(`.${p.name}(shim_outs[${at + p.width - 1}:${at}])`);
    at += p.width;
  }
  const shift = (reg: string, bits: number, input: string) => (bits === 1 ? input : `{${reg}[${bits - 2}:0], ${input}}`);
  return [
    `// I/O shim for place and route (targets/synth/io-shim.ts): ${top} on four pins.`,
    `module ${SHIM_TOP} (`,
    "    input  wire clk,",
    "    input  wire shim_in,",
    "    input  wire shim_capture,",
    "    output wire shim_out",
    ");",
    ...(inBits
      ? [
          `    reg [${inBits - 1}:0] shim_ins;`,
          `    always @(posedge clk) shim_ins <= ${shift("shim_ins", inBits, "shim_in")};`,
        ]
      : []),
    `    wire [${outBits - 1}:0] shim_outs;`,
    `    reg [${outBits - 1}:0] shim_held;`,
    `    always @(posedge clk) shim_held <= shim_capture ? shim_outs : ${shift("shim_held", outBits, "1'b0")};`,
    `    assign shim_out = shim_held[${outBits - 1}];`,
    `    ${top} dut (`,
    connections.map((c) => `        ${c}`).join(",\n"),
    "    );",
    "endmodule",
    "",
  ].join("\n");
}

/** I/O bits of a top, the clock excluded: what the shim serializes. */
export function ioBits(ports: readonly Port[], clock: string): { inputs: number; outputs: number } {
  const sum = (dir: Port["direction"]) =>
    ports.filter((p) => p.direction === dir && p.name !== clock).reduce((n, p) => n + p.width, 0);
  return { inputs: sum("input"), outputs: sum("output") };
}
