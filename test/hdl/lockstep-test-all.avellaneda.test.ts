import { testEveryTarget } from "./lockstep-test-all.js";

testEveryTarget("examples/avellaneda.lstep");
