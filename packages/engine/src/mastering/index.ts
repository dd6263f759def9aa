/** Mastering: delivery targets, the mastering chain and its drive search, reference matching, album gain. */
export * from "./album.ts";
export * from "./master.ts";
export * from "./master-plan.ts";
export * from "./match-eq.ts";
export * from "./spectrum.ts";
export * from "./targets.ts";
