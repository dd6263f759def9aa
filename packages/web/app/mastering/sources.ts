/** Which versions can be mastered, and which one the page starts with. */
import type { MixVersion, Wire } from "../api.ts";

type V = Wire<MixVersion>;

/** The versions with audio, in the order the server lists them. */
export const withAudio = (versions: V[]) => versions.filter((v) => v.blobSha256);

/**
 * The version to master: the one picked; else the approved mix (the newest approved, when several were) —
 * the mix the producer signed off, not whatever was rendered last; else the newest mix; else the first
 * version with audio. `sources` are newest first, as the server lists them.
 */
export function masteringSource(sources: V[], picked: string): V | undefined {
  return (
    sources.find((v) => v.id === picked) ??
    sources.find((v) => v.kind === "mix" && v.approvalState === "approved") ??
    sources.find((v) => v.kind === "mix") ??
    sources[0]
  );
}
