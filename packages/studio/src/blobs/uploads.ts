/** Uploading audio into a project: authorization, the blob store, and the blob's row in the database. */
import type { Actor, Studio } from "../context.ts";
import { forbidden, notFound, StudioError } from "../errors.ts";
import { authorize } from "../team/access.ts";
import { allows } from "../team/roles.ts";
import type { PutOptions, StoredBlob } from "./blob-store.ts";

/** Default upload limit: 1 GiB (a 24-bit/96 kHz stereo WAV of about 50 minutes). */
export const DEFAULT_UPLOAD_LIMIT = 1024 ** 3;

/**
 * Streams an audio file into the blob store for a project. Allowed for whoever may upload mixes, masters or
 * takes there. Non-audio (by content, not name) is refused with 415, oversize with 413.
 */
export async function uploadAudio(
  s: Studio,
  actor: Actor,
  projectId: string,
  source: AsyncIterable<Uint8Array>,
  opts: PutOptions = {},
): Promise<StoredBlob> {
  if (!s.blobs) throw new StudioError(503, "unavailable", "no blob store configured");
  const roles = await authorize(s.db, actor, projectId, "project.read");
  if (!["mix.upload", "master.upload", "take.write"].some((a) => allows(roles, a as never)))
    throw forbidden(`your roles (${roles.join(", ")}) do not allow uploads`);
  const blob = await s.blobs.put(source, { maxBytes: opts.maxBytes ?? DEFAULT_UPLOAD_LIMIT });
  await s.db
    .insertInto("blobs")
    .values({ sha256: blob.sha256, size: blob.size, format: blob.format })
    .onConflict((oc) => oc.doNothing())
    .execute();
  return blob;
}

/**
 * Requires that the actor may read a blob: it must belong to a mix/master version or take of a song in a
 * project they are on. @returns its size and format.
 */
export async function authorizeBlob(
  s: Studio,
  actor: Actor,
  sha256: string,
): Promise<{ size: number; format: string }> {
  const b = await s.db
    .selectFrom("blobs")
    .select(["size", "format"])
    .where("sha256", "=", sha256)
    .executeTakeFirst();
  if (!b) throw notFound(`blob ${sha256}`);
  const onTeam = (songCol: "mix_versions.song_id" | "takes.song_id") =>
    s.db
      .selectFrom("songs")
      .innerJoin("project_roles", "project_roles.project_id", "songs.project_id")
      .select("songs.id")
      .where("project_roles.user_id", "=", actor.userId)
      .whereRef("songs.id", "=", songCol as never);
  const hit = await s.db
    .selectFrom("blobs")
    .select("sha256")
    .where("sha256", "=", sha256)
    .where((eb) =>
      eb.or([
        eb.exists(
          eb
            .selectFrom("mix_versions")
            .select("mix_versions.id")
            .where("mix_versions.blob_sha256", "=", sha256)
            .where(({ exists }) => exists(onTeam("mix_versions.song_id"))),
        ),
        eb.exists(
          eb
            .selectFrom("takes")
            .select("takes.id")
            .where("takes.blob_sha256", "=", sha256)
            .where(({ exists }) => exists(onTeam("takes.song_id"))),
        ),
      ]),
    )
    .executeTakeFirst();
  if (!hit) throw forbidden(`blob ${sha256} is not part of a project you are on`);
  return b;
}
