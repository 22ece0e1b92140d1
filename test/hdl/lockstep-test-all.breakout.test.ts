import { testEveryTarget } from "./lockstep-test-all.js";

testEveryTarget("examples/breakout.lstep");
