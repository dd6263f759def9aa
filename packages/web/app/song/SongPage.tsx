/**
 * The song page: arrangement timeline, version stack with upload, the chosen version's waveform with
 * time-stamped comments, loudness-matched A/B, approval, takes, credits and splits, delivery checklist.
 * Keyboard: space plays/pauses, ←/→ move the playhead 5 s (shift: 1 s), `c` comments at the playhead.
 *
 * The parts: VersionStack (the table, UploadVersion, VersionPlayer), VersionPlayer (useABPlayer, Waveform,
 * ABSwitch, CommentForm, CommentList, ApprovalPanel, useShortcuts), Arrangement, Tasks, Credits, Delivery;
 * the take list is ../takes/TakeList.tsx.
 */
import { allows, api } from "../api.ts";
import { Link } from "../router.tsx";
import { TakeList } from "../takes/TakeList.tsx";
import { useLoad, words } from "../util.ts";
import { Arrangement } from "./Arrangement.tsx";
import { Credits } from "./Credits.tsx";
import { Delivery } from "./Delivery.tsx";
import { Tasks } from "./Tasks.tsx";
import { VersionStack } from "./VersionStack.tsx";

export function SongPage({ songId }: { songId: string }) {
  const [song, error, reloadSong] = useLoad(() => api.song(songId), [songId]);
  const [project] = useLoad(
    () => (song ? api.project(song.projectId) : Promise.resolve(null)),
    [song?.projectId],
  );
  const [versions, , reloadVersions] = useLoad(() => api.versions(songId), [songId]);
  const [sections] = useLoad(() => api.arrangement(songId), [songId, song?.version]);
  const [team] = useLoad(
    () => (song ? api.team(song.projectId).catch(() => []) : Promise.resolve([])),
    [song?.projectId],
  );
  const roles = project?.myRoles ?? [];
  if (error) return <p className="error page">{error}</p>;
  if (!song || !project) return <p className="loading">Loading song…</p>;
  return (
    <div className="page">
      <p className="crumbs">
        <Link href={`/projects/${project.id}`}>{project.title}</Link> ›
      </p>
      <h1>{song.title}</h1>
      <p className="muted">
        {words(song.status)}
        {song.key ? ` · ${song.key}` : ""}
        {song.tempoBpm ? ` · ${song.tempoBpm} BPM` : ""}
        {song.writers.length ? ` · written by ${song.writers.join(", ")}` : ""}
      </p>
      <nav className="tabs" aria-label="Song tools">
        <Link href={`/songs/${songId}/mixer`}>Mixer</Link>
        <Link href={`/songs/${songId}/mastering`}>Mastering</Link>
        <Link href={`/songs/${songId}/record`}>Record a take</Link>
      </nav>
      <Arrangement song={song} canEdit={allows(roles, "song.edit")} onChange={reloadSong} />
      <VersionStack
        projectId={project.id}
        songId={songId}
        versions={versions ?? []}
        roles={roles}
        onChange={reloadVersions}
      />
      <TakeList songId={songId} projectId={project.id} roles={roles} />
      <Tasks
        projectId={project.id}
        songId={songId}
        roles={roles}
        sections={sections ?? []}
        team={team ?? []}
      />
      <div className="grid2">
        <Credits songId={songId} canEdit={allows(roles, "credits.write")} />
        <Delivery songId={songId} canEdit={allows(roles, "delivery.write")} />
      </div>
    </div>
  );
}
