/**
 * The mixer. When the song has a mix session on the server (the engine's session document), its tracks
 * and clips are the strips, the faders, pans, mutes and solos are the session's, "Save session" stores them
 * (with the version they were based on) and "Render on the server" runs the render job with progress; the
 * new mix joins the version stack and plays here. Without a session the song's takes and stems are the
 * strips, and "Create the mix session" makes one from them. Either way the browser plays the mix with the
 * engine's pan laws and meters each strip and the master with the engine on the audio thread (sample
 * peak, true peak, momentary loudness); browser-only EQ, compressor and reverb send preview tone ideas, and
 * "Render in the browser" mixes the same graph offline for a quick download.
 *
 * The parts: useMixSession (the stored session), useTrackAudio (decoded clips), useMixGraph (live playback
 * and meters), useBrowserRender, useJob (the server render); SessionPanel, MixerStrip, RenderPanel.
 */
import { useEffect, useMemo, useState } from "react";
import { allows, api, may, optional, type VersionJobResult } from "../api.ts";
import { DEFAULT_TRACK, type TrackParams } from "../audio/mix-graph.ts";
import { useJob } from "../jobs.ts";
import { MasterReadout } from "../meters/MeterReadout.tsx";
import { Link } from "../router.tsx";
import { useSession } from "../session.tsx";
import { useLoad, useNotice } from "../util.ts";
import { AddStems } from "./AddStems.tsx";
import { MixerStrip } from "./MixerStrip.tsx";
import { RenderPanel } from "./RenderPanel.tsx";
import { SessionPanel } from "./SessionPanel.tsx";
import {
  documentOf,
  type MixTrack,
  mixableTakes,
  paramsOfSession,
  tracksOfSession,
  tracksOfTakes,
} from "./session-doc.ts";
import { useBrowserRender } from "./useBrowserRender.ts";
import { useMixGraph } from "./useMixGraph.ts";
import { useMixSession } from "./useMixSession.ts";
import { useTrackAudio } from "./useTrackAudio.ts";

export function MixerPage({ songId }: { songId: string }) {
  const { user } = useSession();
  const notice = useNotice();
  const [song] = useLoad(() => api.song(songId), [songId]);
  const [project] = useLoad(
    () => (song ? api.project(song.projectId) : Promise.resolve(null)),
    [song?.projectId],
  );
  const [takes, , reloadTakes] = useLoad(() => api.takes(songId), [songId]);
  const [routes] = useLoad(() => optional.routes(), []);
  const { session, create, save } = useMixSession(songId, routes && !!routes.session, notice.fail);
  const takeTracks = useMemo(() => mixableTakes(takes ?? []), [takes]);
  const tracks = useMemo<MixTrack[] | null>(() => {
    if (session === undefined || !takes) return null;
    return session ? tracksOfSession(documentOf(session)) : tracksOfTakes(takeTracks);
  }, [session, takes, takeTracks]);
  const audio = useTrackAudio(tracks, notice.fail);
  const [params, setParams] = useState<TrackParams[]>([]);
  // The strips start at the session's settings (or unity) whenever the tracks change.
  useEffect(() => {
    if (!tracks) return;
    setParams(
      session ? paramsOfSession(documentOf(session)) : tracks.map(() => structuredClone(DEFAULT_TRACK)),
    );
  }, [tracks, session]);
  const graph = useMixGraph(audio, params);
  const browserRender = useBrowserRender(audio, params, notice.fail);
  const serverRender = useJob<VersionJobResult>();
  // What the browser render last did (added to the versions or not): said on its own card only, so the
  // session card's "Render finished" is neither repeated there nor left standing for a render that added nothing.
  const [renderNote, setRenderNote] = useState<string | null>(null);
  const error = notice.error ?? serverRender.error;

  const roles = project?.myRoles ?? [];
  if (!song || !project) return <p className="loading">Loading…</p>;
  const canSession = !!routes?.session && may(roles, "session.write");

  async function createSession() {
    if (!song) return;
    notice.clearError();
    try {
      const n = await create(song.title, song.tempoBpm, takeTracks);
      notice.say(`Created the mix session with ${n} tracks.`);
    } catch (e) {
      notice.fail(e);
    }
  }

  async function saveSession() {
    try {
      const s = await save(params);
      notice.say(`Saved session version ${s.version}.`);
      return s;
    } catch (e) {
      notice.fail(e);
      return null;
    }
  }

  async function renderOnServer() {
    notice.clearError();
    const s = may(roles, "session.write") ? await saveSession() : session;
    if (!s) return;
    const done = await serverRender.run(() => optional.render(songId, { sessionVersion: s.version }));
    if (done) notice.say("Render finished: the mix is in the version stack.");
  }

  async function addVersion(blob: Blob) {
    if (!project) return;
    try {
      const b = await api.upload(project.id, blob, "render.wav");
      const v = await api.createVersion(songId, { kind: "mix", label: "mixer render", blobSha256: b.sha256 });
      notice.clearError();
      setRenderNote(`Added mix v${v.number} to the version stack.`);
    } catch (e) {
      notice.fail(e);
    }
  }

  const change = (i: number, patch: (p: TrackParams) => TrackParams) =>
    setParams((ps) => ps.map((p, j) => (j === i ? patch(structuredClone(p)) : p)));
  return (
    <div className="page">
      <p className="crumbs">
        <Link href={`/songs/${songId}`}>{song.title}</Link> ›
      </p>
      <h1>Mixer</h1>
      {allows(roles, "take.write") && !session && (
        <AddStems
          projectId={project.id}
          songId={songId}
          performer={user?.name ?? "engineer"}
          onDone={reloadTakes}
        />
      )}
      <SessionPanel
        session={session}
        songTitle={song.title}
        takeCount={takeTracks.length}
        canWrite={canSession}
        canRender={!!routes?.render && may(roles, "render.run")}
        progress={serverRender.progress}
        serverMix={serverRender.result}
        note={notice.note}
        onCreate={createSession}
        onSave={saveSession}
        onRender={renderOnServer}
      />
      {error && <p className="error">{error}</p>}
      {tracks && tracks.length === 0 ? (
        <p className="muted">No tracks yet: add stems above or record takes.</p>
      ) : !audio ? (
        <p className="muted">Loading tracks…</p>
      ) : (
        <>
          <div className="row transport">
            <button
              type="button"
              className="primary"
              onClick={() => (graph.playing ? graph.stop() : graph.play())}
            >
              {graph.playing ? "■ Stop" : "▶ Play mix"}
            </button>
            <MasterReadout reading={graph.readings.master} />
          </div>
          <div className="mixer">
            {(tracks ?? []).map((t, i) => (
              <MixerStrip
                key={t.key}
                name={t.name}
                engineInserts={session ? t.engineInserts : null}
                params={params[i] ?? DEFAULT_TRACK}
                reading={graph.readings.tracks[i]}
                onChange={(f) => change(i, f)}
              />
            ))}
          </div>
          <RenderPanel
            render={browserRender.render}
            songTitle={song.title}
            canAddVersion={allows(roles, "mix.upload")}
            note={renderNote}
            onRender={() => {
              notice.clearError();
              notice.clearNote();
              setRenderNote(null);
              browserRender.start();
            }}
            onAddVersion={addVersion}
          />
        </>
      )}
    </div>
  );
}
