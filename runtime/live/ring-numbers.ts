/** The rings of `lockstep run`, by the number their ringOverflow records carry (aux). */
export const EVENT_RING = 0;
export const LOG_RING = 1;
