import { describeHdlMutationScore } from "./hdl-mutation-score.js";

describeHdlMutationScore("verilog", ["grid", "avellaneda", "breakout", "glft"]);
