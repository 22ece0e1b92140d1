import { testEveryTarget } from "./lockstep-test-all.js";

testEveryTarget("examples/grid.lstep");
