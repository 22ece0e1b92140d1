import { testEveryTarget } from "./lockstep-test-all.js";

testEveryTarget("examples/glft.lstep");
