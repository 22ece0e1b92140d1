import type { IrProgram } from "../../compiler/ir.js";

/**
 * Replies recorded in the whole program's layout (per event: event_ok, every state slot, every output)
 * cut to a slice's layout (sliceProgram: the slots it keeps, by name, in the same order), so that a
 * circuit of the slice (the gateway) is compared with the one recording the reference made.
 */
export function replyProjection(whole: IrProgram, slice: IrProgram): (words: BigInt64Array) => BigInt64Array {
  const per = 1 + whole.state.length + whole.outputs.length;
  const keep = [
    0,
    ...slice.state.map((s) => 1 + indexOf(whole.state, s.name, "state")),
    ...slice.outputs.map((o) => 1 + whole.state.length + indexOf(whole.outputs, o.name, "output")),
  ];
  return (words) => {
    const events = words.length / per;
    const out = new BigInt64Array(events * keep.length);
    for (let e = 0, at = 0; e < events; e++) for (const k of keep) out[at++] = words[e * per + k];
    return out;
  };
}

function indexOf(slots: readonly { readonly name: string }[], name: string, what: string): number {
  const i = slots.findIndex((s) => s.name === name);
  if (i < 0) throw new Error(`internal: the slice's ${what} ${name} is not in the program`);
  return i;
}
