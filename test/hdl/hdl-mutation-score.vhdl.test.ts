import { describeHdlMutationScore } from "./hdl-mutation-score.js";

describeHdlMutationScore("vhdl", ["grid", "avellaneda", "breakout", "glft"]);
