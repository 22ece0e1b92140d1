import { describeIrMutationScore } from "./ir-mutation-score.js";

describeIrMutationScore("grid");
