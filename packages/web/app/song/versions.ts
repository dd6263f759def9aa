/** Which versions the song page lists, plays and compares. */
import type { MixVersion, Wire } from "../api.ts";

export type V = Wire<MixVersion>;

/** The version stack as listed: newest first. */
export function newestFirst(versions: V[]): V[] {
  return [...versions].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
}

/**
 * The version the player shows: the one picked, else the newest mix with audio (where the comments are: a
 * master made from it does not take its place), else the newest version with audio.
 */
export function currentVersion(sorted: V[], chosen: string | null): V | null {
  return (
    sorted.find((v) => v.id === chosen) ??
    sorted.find((v) => v.blobSha256 && v.kind === "mix") ??
    sorted.find((v) => v.blobSha256) ??
    null
  );
}

/** The version compared with the current one (B): the one picked, unless it is the current one. */
export function compareVersion(sorted: V[], other: string | null, current: V | null): V | null {
  return sorted.find((v) => v.id === other && v.id !== current?.id) ?? null;
}

/** "mix v2". */
export const versionName = (v: Pick<V, "kind" | "number">) => `${v.kind} v${v.number}`;
