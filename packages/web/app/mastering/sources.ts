/** Which versions can be mastered, and which one the page starts with. */
import type { MixVersion, Wire } from "../api.ts";

type V = Wire<MixVersion>;

/** The versions with audio, in the order the server lists them. */
export const withAudio = (versions: V[]) => versions.filter((v) => v.blobSha256);

/** The version to master: the one picked, else the first mix, else the first version with audio. */
export function masteringSource(sources: V[], picked: string): V | undefined {
  return sources.find((v) => v.id === picked) ?? sources.find((v) => v.kind === "mix") ?? sources[0];
}
