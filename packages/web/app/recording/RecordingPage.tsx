/**
 * Recording a take: pick an input, watch its meter, count in at the song's tempo, record while the chosen
 * version plays, and the take is uploaded and added to the take list (then rate and comment it there).
 * The recording starts on the sample where the count-in ends (the tap stamps each block with its frame).
 *
 * The parts: useInput (the microphone and its meter, InputMeter), useRecorder (count-in, play-along, the
 * take: TakeRecorder, count-in.ts, record-audio.ts), and the take list (../takes/TakeList.tsx).
 */
import { useEffect, useState } from "react";
import { api, may, optional, type SongSession } from "../api.ts";
import { documentOf, mixableTakes } from "../mixer/session-doc.ts";
import { Link } from "../router.tsx";
import { useSession } from "../session.tsx";
import { TakeList } from "../takes/TakeList.tsx";
import { messageOf, useLoad } from "../util.ts";
import { InputMeter } from "./InputMeter.tsx";
import { useInput } from "./useInput.ts";
import { type PlayAlong, useRecorder } from "./useRecorder.ts";

export function RecordingPage({ songId }: { songId: string }) {
  const { user } = useSession();
  const [song] = useLoad(() => api.song(songId), [songId]);
  const [project] = useLoad(
    () => (song ? api.project(song.projectId) : Promise.resolve(null)),
    [song?.projectId],
  );
  const [versions] = useLoad(() => api.versions(songId), [songId]);
  const [takes] = useLoad(() => api.takes(songId), [songId]);
  const tracks = mixableTakes(takes ?? []);
  // The song's mix session, when the server has one: to play along with, and to record onto.
  const [session, setSession] = useState<SongSession | null>(null);
  useEffect(() => {
    optional.session(songId).then(setSession, () => setSession(null));
  }, [songId]);
  const sessionTracks = session ? documentOf(session).tracks : [];
  const [onto, setOnto] = useState("");
  const [part, setPart] = useState("lead vocal");
  const [performer, setPerformer] = useState(user?.name ?? "");
  const [bars, setBars] = useState("1");
  const [playAlong, setPlayAlong] = useState<PlayAlong>("");
  const tempo = song?.tempoBpm ?? 120;
  const rec = useRecorder({
    songId,
    projectId: song?.projectId ?? "",
    tempoBpm: tempo,
    trackFiles: tracks.map((t) => t.blobSha256 as string),
    versionFile: (id) => versions?.find((v) => v.id === id)?.blobSha256 ?? null,
    session,
    userName: user?.name ?? "",
    onSession: setSession,
  });
  const input = useInput(rec.onBlock, (e) => rec.setStatus(`Microphone: ${messageOf(e)}`));
  const phase = rec.phase;
  const enable = (id?: string) => {
    rec.setStatus(null);
    return input.enable(id);
  };
  const start = () => rec.start({ part, performer, bars, playAlong, onto }, input.stream);

  if (!song || !project) return <p className="loading">Loading…</p>;
  return (
    <div className="page">
      <p className="crumbs">
        <Link href={`/songs/${songId}`}>{song.title}</Link> ›
      </p>
      <h1>Record a take</h1>
      <section className="card">
        <h2>Input</h2>
        <div className="row">
          {input.devices.length > 0 && (
            <label>
              Input device
              <select value={input.deviceId} onChange={(e) => enable(e.target.value)}>
                {input.devices.map((d, i) => (
                  <option key={d.deviceId} value={d.deviceId}>
                    {d.label || `Input ${i + 1}`}
                  </option>
                ))}
              </select>
            </label>
          )}
          <button type="button" onClick={() => enable()} disabled={!!input.stream}>
            {input.stream ? "Microphone on" : "Enable microphone"}
          </button>
        </div>
        <InputMeter reading={input.reading} />
      </section>
      <section className="card">
        <h2>Take</h2>
        <div className="row">
          <label>
            Part
            <input required value={part} onChange={(e) => setPart(e.target.value)} />
          </label>
          <label>
            Performer
            <input value={performer} onChange={(e) => setPerformer(e.target.value)} />
          </label>
          <label>
            Count-in bars at {tempo} BPM
            <input type="number" min={0} max={4} value={bars} onChange={(e) => setBars(e.target.value)} />
          </label>
          <label>
            Play along with
            <select value={playAlong} onChange={(e) => setPlayAlong(e.target.value)}>
              <option value="">nothing (click only)</option>
              {session && <option value="session">the mix session ({sessionTracks.length} tracks)</option>}
              {tracks.length > 0 && <option value="tracks">the other tracks ({tracks.length} takes)</option>}
              {versions
                ?.filter((v) => v.blobSha256)
                .map((v) => (
                  <option key={v.id} value={v.id}>
                    {v.kind} v{v.number} {v.label}
                  </option>
                ))}
            </select>
          </label>
          {session && may(project.myRoles, "session.write") && (
            <label>
              Onto session track
              <select value={onto} onChange={(e) => setOnto(e.target.value)}>
                <option value="">none (take list only)</option>
                <option value="new">a new track “{part}”</option>
                {sessionTracks.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name || t.id} (as a new take)
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
        <div className="row transport">
          <button
            type="button"
            className="primary"
            disabled={!input.stream || phase !== "idle"}
            onClick={start}
          >
            ● Record
          </button>
          <button type="button" disabled={phase !== "recording" && phase !== "counting"} onClick={rec.stop}>
            ■ Stop
          </button>
          <output className="clock" aria-label="Recording time" aria-live="off">
            {phase === "idle"
              ? ""
              : rec.elapsed < 0
                ? `count-in ${(-rec.elapsed).toFixed(1)} s`
                : `${rec.elapsed.toFixed(1)} s`}
          </output>
        </div>
        {rec.status && <p role="status">{rec.status}</p>}
        {rec.latencyMs !== null && (
          <p className="small muted">Round-trip latency compensated: {rec.latencyMs.toFixed(1)} ms.</p>
        )}
      </section>
      <TakeList songId={songId} projectId={project.id} roles={project.myRoles} reloadKey={rec.saved} />
    </div>
  );
}
