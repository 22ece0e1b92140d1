import { tmpdir } from "node:os";
import { join } from "node:path";

/** Where built simulation models are kept, each under a hash of everything that goes into it. */
export const HDL_CACHE = process.env.LOCKSTEP_HDL_CACHE ?? join(tmpdir(), "lockstep-hdl-cache");
