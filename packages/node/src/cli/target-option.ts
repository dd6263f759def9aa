import { TARGET_NAMES } from "@controlroom/engine/mastering/targets.ts";
import { InvalidArgumentError } from "commander";

/**
 * commander's parser for `--target <preset>` (master, qc): an unknown name is a usage error (exit 2, with the
 * command's help), found before any audio is read.
 */
export function parseTargetPreset(name: string): string {
  if (!TARGET_NAMES.includes(name)) {
    throw new InvalidArgumentError(`unknown preset "${name}" (known: ${TARGET_NAMES.join(", ")})`);
  }
  return name;
}
