import type { Interpreter } from "../../compiler/interpret.js";
import type { IrProgram } from "../../compiler/ir.js";

/**
 * The kill pin of both HDL tops. Its meaning, in terms of the reference's own state: in a cycle in which
 * the pin is high, the kill switch state is 1 before the event of that cycle (so the event sees the
 * switch engaged: an order is refused with reason kill_switch, and only an accepted order consumes a
 * rate token, so none is consumed) and 1 again after it (a kill event with a = 0 in the same cycle does
 * not release it). So the pin latches, as a kill event with a = 1 does; unlike that event it does not
 * touch the time of the last event, and it acts also in cycles without an event.
 */
export const KILL_PIN = "kill";

/** The kill switch state slot (the risk block's `kill_switch` rule makes it), if the program has one. */
export function killSwitchSlot(program: IrProgram): number | undefined {
  const i = program.state.findIndex((s) => s.name === "kill_switch");
  return i < 0 ? undefined : i;
}

/**
 * One event on the reference with the kill pin at `pin`: the model the HDL tops are tested against.
 * With the pin low this is `step` itself.
 */
export function stepWithKillPin(
  program: IrProgram,
  interp: Interpreter,
  pin: boolean,
  event: readonly [number, number, number, number, number, number],
): boolean {
  const slot = killSwitchSlot(program);
  if (!pin || slot === undefined) return interp.step(...event);
  interp.state[slot] = 1n;
  const ok = interp.step(...event);
  interp.state[slot] = 1n;
  return ok;
}
