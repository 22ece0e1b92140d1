import type { HdlExample } from "./hdl-mutants.js";
import { describeHdlMutationScore } from "./hdl-mutation-score.js";

// GHDL runs a few 10^3 events/s: the suite keeps it to the two programs it simulates in seconds;
// LOCKSTEP_VHDL_MUTANT_EXAMPLES=grid,breakout,avellaneda,glft runs them all (minutes each).
const examples = (process.env.LOCKSTEP_VHDL_MUTANT_EXAMPLES ?? "grid,breakout").split(",") as HdlExample[];
describeHdlMutationScore("vhdl", examples);
