import { describeHdlMutationScore } from "./hdl-mutation-score.js";

// GHDL runs a few 10^3 events/s: the suite keeps it to the two programs it simulates in seconds (grid,
// breakout); avellaneda's and glft's mutants are planted in their VHDL too, and run by hand with
// describeHdlMutationScore("vhdl", ["avellaneda", "glft"]) (minutes each).
describeHdlMutationScore("vhdl", ["grid", "breakout"]);
