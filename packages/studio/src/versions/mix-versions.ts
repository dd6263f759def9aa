/**
 * The version stack of mixes and masters per song. Each version carries its integrated loudness (LUFS)
 * when analysed, from which A/B gains are derived: every version is turned down to the quietest one, so
 * the louder mix does not win by loudness alone.
 */
import { randomUUID } from "node:crypto";
import { type Kysely, sql } from "kysely";
import { z } from "zod";
import { audit } from "../audit/audit.ts";
import type { Actor, Studio } from "../context.ts";
import { invalid, notFound, parseInput } from "../errors.ts";
import type { Database } from "../store/schema.ts";
import { authorizeSong } from "../team/access.ts";

export const CreateVersionInput = z.object({
  kind: z.enum(["mix", "master"]),
  label: z.string().trim().max(200).optional(),
  blobSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, "must be a sha256 hex digest")
    .nullish(),
  /** Integrated loudness in LUFS (EBU R128), −70…0, when known. */
  integratedLufs: z.number().min(-70).max(0).nullish(),
});

/** A version as the API shows it. */
export interface MixVersion {
  id: string;
  songId: string;
  kind: "mix" | "master";
  /** 1, 2, 3… per song and kind. */
  number: number;
  label: string;
  blobSha256: string | null;
  integratedLufs: number | null;
  /** Gain in dB to apply for a loudness-matched A/B (≤ 0; null when loudness unknown). */
  matchGainDb: number | null;
  approvalState: string;
  uploadedBy: string;
  createdAt: Date;
}

/**
 * The number the song's next `kind` version gets. Call it inside the transaction that inserts the version:
 * it takes a per-song lock, so numbers per song and kind stay gapless and unique.
 */
export async function nextVersionNumber(
  trx: Kysely<Database>,
  songId: string,
  kind: "mix" | "master",
): Promise<number> {
  await sql`select pg_advisory_xact_lock(hashtext(${`versions:${songId}`}))`.execute(trx);
  const { n } = (await trx
    .selectFrom("mix_versions")
    .select(sql<number>`coalesce(max(number), 0)`.as("n"))
    .where("song_id", "=", songId)
    .where("kind", "=", kind)
    .executeTakeFirst()) as { n: number };
  return Number(n) + 1;
}

/** The song a version belongs to (404 when unknown). */
export async function songOfVersion(s: Studio, versionId: string): Promise<string> {
  const r = await s.db
    .selectFrom("mix_versions")
    .select("song_id")
    .where("id", "=", versionId)
    .executeTakeFirst();
  if (!r) throw notFound(`version ${versionId}`);
  return r.song_id;
}

/**
 * Gains for a loudness-matched A/B: each version is brought down to the quietest one's loudness.
 * @param lufs integrated loudness per version (null = unknown, gets null).
 * @returns gain in dB per version (≤ 0).
 */
export function matchGains(lufs: (number | null)[]): (number | null)[] {
  const known = lufs.filter((x): x is number => x !== null);
  if (known.length === 0) return lufs.map(() => null);
  const target = Math.min(...known);
  return lufs.map((x) => (x === null ? null : target - x));
}

/** Adds a version to a song's stack: mixes by engineers and mixing engineers, masters by mastering engineers. */
export async function createVersion(
  s: Studio,
  actor: Actor,
  songId: string,
  input: unknown,
): Promise<MixVersion> {
  const v = parseInput(CreateVersionInput, input);
  const { projectId } = await authorizeSong(
    s.db,
    actor,
    songId,
    v.kind === "mix" ? "mix.upload" : "master.upload",
  );
  if (v.blobSha256) {
    const b = await s.db
      .selectFrom("blobs")
      .select("sha256")
      .where("sha256", "=", v.blobSha256)
      .executeTakeFirst();
    if (!b) throw invalid("blobSha256", `no uploaded file ${v.blobSha256}`);
  }
  const id = randomUUID();
  await s.db.transaction().execute(async (trx) => {
    const number = await nextVersionNumber(trx, songId, v.kind);
    await trx
      .insertInto("mix_versions")
      .values({
        id,
        song_id: songId,
        kind: v.kind,
        number,
        label: v.label || `${v.kind} v${number}`,
        blob_sha256: v.blobSha256 ?? null,
        integrated_lufs: v.integratedLufs ?? null,
        uploaded_by: actor.userId,
      })
      .execute();
    await trx
      .insertInto("approvals")
      .values({ mix_version_id: id, state: "in_review", decided_by: actor.userId, note: "uploaded" })
      .execute();
    await audit(trx, actor, projectId, `${v.kind}.upload`, id, { songId, number });
  });
  return (await listVersions(s, actor, songId)).find((x) => x.id === id) as MixVersion;
}

/** A song's version stack, newest first, with loudness-matching gains across the stack. */
export async function listVersions(s: Studio, actor: Actor, songId: string): Promise<MixVersion[]> {
  await authorizeSong(s.db, actor, songId, "project.read");
  const rows = await s.db
    .selectFrom("mix_versions")
    .selectAll()
    .where("song_id", "=", songId)
    .orderBy("created_at", "desc")
    .orderBy("number", "desc")
    .execute();
  const gains = matchGains(rows.map((r) => r.integrated_lufs));
  return rows.map((r, i) => ({
    id: r.id,
    songId: r.song_id,
    kind: r.kind,
    number: r.number,
    label: r.label,
    blobSha256: r.blob_sha256,
    integratedLufs: r.integrated_lufs,
    matchGainDb: gains[i],
    approvalState: r.approval_state,
    uploadedBy: r.uploaded_by,
    createdAt: r.created_at,
  }));
}

/** Records a measured loudness on a version (used by the analysis job). */
export async function setVersionLoudness(s: Studio, versionId: string, lufs: number): Promise<void> {
  await s.db.updateTable("mix_versions").set({ integrated_lufs: lufs }).where("id", "=", versionId).execute();
}
