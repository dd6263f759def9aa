import { describe } from "node:test";
import { TARGET_NAMES, TARGETS } from "@controlroom/engine/mastering/index.ts";
import { presetTests } from "./test-support.ts";

describe("master: broadcast, CD, vinyl and club presets land on target and ceiling", () => {
  presetTests(TARGET_NAMES.filter((n) => n === "club" || TARGETS[n].playback === "none"));
});
