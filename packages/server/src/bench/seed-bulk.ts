/**
 * Bulk data for the API benchmark: one project with `songs` songs, one mix version each, and `comments`
 * comments spread over them (every 10th resolved, some replies), inserted in large batches — the service
 * functions would be correct but slow for 100 000 rows.
 */
import { randomUUID } from "node:crypto";
import { login, register } from "@controlroom/studio/accounts/accounts.ts";
import type { Studio } from "@controlroom/studio/context.ts";
import { createProject } from "@controlroom/studio/projects/projects.ts";
import { createWorkspace } from "@controlroom/studio/projects/workspaces.ts";

/** What the benchmark needs to address. */
export interface BulkSeed {
  token: string;
  projectId: string;
  versionId: string;
}

/** Seeds the data set. @param songs number of songs. @param comments total comments. */
export async function seedBulk(s: Studio, songs: number, comments: number): Promise<BulkSeed> {
  const email = `bench-${randomUUID()}@example.com`;
  const u = await register(s, { email, name: "Bench Producer", password: "benchmark password" });
  const actor = { userId: u.id };
  const ws = await createWorkspace(s, actor, { name: "Bench" });
  const p = await createProject(s, actor, { workspaceId: ws.id, title: "Big Catalogue", kind: "album" });
  const stages = [
    "idea",
    "pre_production",
    "tracking",
    "overdubs",
    "editing",
    "mixing",
    "mastering",
    "delivered",
  ];
  const songIds: string[] = [];
  const versionIds: string[] = [];
  const BATCH = 1000;
  for (let i = 0; i < songs; i += BATCH) {
    const rows = [];
    const versions = [];
    for (let j = i; j < Math.min(songs, i + BATCH); j++) {
      const id = randomUUID();
      songIds.push(id);
      rows.push({
        id,
        project_id: p.id,
        title: `Song ${j + 1}`,
        position: j + 1,
        status: stages[j % stages.length],
        musical_key: null,
        tempo_bpm: 90 + (j % 60),
        writers: "[]",
        session_id: null,
      });
      const vid = randomUUID();
      versionIds.push(vid);
      versions.push({
        id: vid,
        song_id: id,
        kind: "mix" as const,
        number: 1,
        label: "mix v1",
        blob_sha256: null,
        integrated_lufs: -14 + (j % 5),
        uploaded_by: u.id,
      });
    }
    await s.db.insertInto("songs").values(rows).execute();
    await s.db.insertInto("mix_versions").values(versions).execute();
  }
  const CB = 2000;
  for (let i = 0; i < comments; i += CB) {
    const rows = [];
    for (let j = i; j < Math.min(comments, i + CB); j++) {
      rows.push({
        id: randomUUID(),
        mix_version_id: versionIds[j % versionIds.length],
        parent_id: null,
        author_id: u.id,
        body: `Comment ${j}: the snare is a touch loud here`,
        at_seconds: (j * 7) % 240,
        end_seconds: null,
        resolved_at: j % 10 === 0 ? new Date() : null,
        resolved_by: j % 10 === 0 ? u.id : null,
      });
    }
    await s.db.insertInto("comments").values(rows).execute();
  }
  const { token } = await login(s, { email, password: "benchmark password" }, "token");
  return { token, projectId: p.id, versionId: versionIds[0] };
}
