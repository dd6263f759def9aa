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
import type { ProcessorJSON } from "@controlroom/engine/core/processor.ts";
import type { Session } from "@controlroom/engine/session/schema.ts";
import { useEffect, useMemo, useState } from "react";
import {
  allows,
  api,
  may,
  optional,
  type SoundNote,
  soundNotes,
  type VersionJobResult,
  type Wire,
} from "../api.ts";
import { DEFAULT_TRACK, type TrackParams } from "../audio/mix-graph.ts";
import { useJob } from "../jobs.ts";
import { MasterReadout } from "../meters/MeterReadout.tsx";
import { Link } from "../router.tsx";
import { useSession } from "../session.tsx";
import { messageOf, useLoad, useNotice } from "../util.ts";
import { AddStems } from "./AddStems.tsx";
import { MixerStrip } from "./MixerStrip.tsx";
import { ProposalPanel } from "./ProposalPanel.tsx";
import {
  editFader,
  editInsert,
  editSend,
  marksOf,
  type ProposalMove,
  proposedSession,
  stripKey,
} from "./proposal.ts";
import { RenderPanel } from "./RenderPanel.tsx";
import { SessionPanel } from "./SessionPanel.tsx";
import { StripEngine } from "./StripEngine.tsx";
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

/** @param noteId a sound note to open: its proposal is applied (highlighted, editable) with an A/B and a decision. */
export function MixerPage({ songId, noteId }: { songId: string; noteId?: string }) {
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
  // The session as edited on the strips (inserts, sends); the stored one until an edit.
  const [edited, setEdited] = useState<{ base: unknown; doc: Session } | null>(null);
  const doc = useMemo(
    () => (session ? (edited && edited.base === session ? edited.doc : documentOf(session)) : null),
    [session, edited],
  );
  const setDoc = (f: (d: Session) => Session) => doc && session && setEdited({ base: session, doc: f(doc) });
  // A sound note opened here: its moves as edited on the strips, and the session they make.
  const [note, setNote] = useState<Wire<SoundNote> | null>(null);
  const [moves, setMoves] = useState<ProposalMove[]>([]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: notice.fail is the page's setter
  useEffect(() => {
    if (!noteId) return;
    soundNotes.get(noteId).then((n) => {
      setNote(n);
      setMoves(n.moves);
    }, notice.fail);
  }, [noteId]);
  const open = note?.state === "proposed" && doc ? note : null;
  const proposal = useMemo(() => {
    if (!open || !doc) return null;
    try {
      return { session: proposedSession(doc, moves), problem: null, marks: marksOf(doc, moves) };
    } catch (e) {
      return { session: null, problem: `The moves no longer fit the session: ${messageOf(e)}`, marks: null };
    }
  }, [open, doc, moves]);
  const shown = proposal?.session ?? doc;
  // The strips start at the session's settings (or unity) whenever the tracks change, or a note opens (at the
  // proposal's); editing inserts and sends keeps the faders where they are.
  // biome-ignore lint/correctness/useExhaustiveDependencies: shown is read when the tracks or the note change
  useEffect(() => {
    if (!tracks) return;
    setParams(shown ? paramsOfSession(shown) : tracks.map(() => structuredClone(DEFAULT_TRACK)));
  }, [tracks, open?.commentId]);
  // While a note is open, the proposed faders follow its moves as edited.
  useEffect(() => {
    const ps = proposal?.session;
    if (!ps) return;
    setParams((cur) =>
      cur.map((p, i) => {
        const t = ps.tracks[i];
        return t && proposal.marks?.get(stripKey("track", t.id))?.fader ? { ...p, gainDb: t.volumeDb } : p;
      }),
    );
  }, [proposal]);
  // The session strips' engine inserts play live (on the audio thread), as the proposal or the edits have them.
  const graphParams = useMemo(
    () =>
      shown
        ? params.map((p, i) => ({ ...p, inserts: (shown.tracks[i]?.inserts ?? []) as ProcessorJSON[] }))
        : params,
    [params, shown],
  );
  const graph = useMixGraph(audio, graphParams);
  const browserRender = useBrowserRender(audio, graphParams, notice.fail);
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
      const s = await save(params, doc ?? undefined);
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

  const change = (i: number, patch: (p: TrackParams) => TrackParams) => {
    // A proposed fader moved on the strip is the proposal's move, edited.
    const fader = proposal?.marks?.get(stripKey("track", doc?.tracks[i]?.id ?? ""))?.fader;
    const now = params[i];
    if (fader && now) {
      const next = patch(structuredClone(now));
      if (next.gainDb !== now.gainDb) setMoves((ms) => editFader(ms, fader.ref, next.gainDb));
    }
    setParams((ps) => ps.map((p, j) => (j === i ? patch(structuredClone(p)) : p)));
  };
  /**
   * A session strip's inserts and sends (a track, a bus or the master): edits of what the proposal touches go
   * into its moves, others into the session (not while a note is open).
   */
  const stripEngine = (kind: "track" | "bus" | "master", id: string, gr?: (number | undefined)[]) => {
    if (!shown) return undefined;
    const pick = (d: Session) =>
      kind === "master"
        ? d.master
        : (kind === "track" ? d.tracks : d.buses).find((x: { id: string }) => x.id === id);
    const st = pick(shown) as {
      name?: string;
      inserts: unknown[];
      sends?: Session["tracks"][number]["sends"];
    };
    if (!st) return undefined;
    const marks = proposal?.marks?.get(stripKey(kind, id));
    const setStrip = (f: <T extends { inserts: unknown[] }>(x: T) => T) =>
      setDoc((d) =>
        kind === "master"
          ? { ...d, master: f(d.master) }
          : kind === "track"
            ? { ...d, tracks: d.tracks.map((x) => (x.id === id ? f(x) : x)) }
            : { ...d, buses: d.buses.map((x) => (x.id === id ? f(x) : x)) },
      );
    return (
      <StripEngine
        name={kind === "master" ? "master" : st.name || id}
        inserts={st.inserts as ProcessorJSON[]}
        sends={st.sends ?? null}
        buses={shown.buses
          .filter((b) => b.kind === "aux" && b.id !== id)
          .map((b) => ({ id: b.id, name: b.name || b.id }))}
        sampleRate={shown.sampleRate}
        marks={marks}
        gainReductionDb={gr}
        canRemove={!open}
        onInsert={(k, p) => {
          const m = marks?.inserts.get(k);
          if (m) setMoves((ms) => editInsert(ms, m, p));
          else if (!open) setStrip((x) => ({ ...x, inserts: x.inserts.map((q, j) => (j === k ? p : q)) }));
        }}
        onRemoveInsert={(k) => setStrip((x) => ({ ...x, inserts: x.inserts.filter((_, j) => j !== k) }))}
        onSends={(sends) => {
          if (open && marks) {
            for (const sd of sends) {
              const ref = marks.sends.get(sd.bus);
              const was = st.sends?.find((x) => x.bus === sd.bus);
              if (ref && was && was.levelDb !== sd.levelDb) setMoves((ms) => editSend(ms, ref, sd.levelDb));
            }
          } else if (!open) setStrip((x) => ({ ...x, sends }));
        }}
      />
    );
  };
  const engineOf = (i: number) => {
    const id = shown?.tracks[i]?.id;
    return id ? stripEngine("track", id, graph.readings.inserts?.[i]) : undefined;
  };
  /** The session's buses and master, with what a proposal does to them. */
  const busStrips = shown && (
    <section className="card" aria-label="Buses and master">
      <h2>Buses and master</h2>
      <p className="small">Their engine inserts are heard in the A/B and in renders.</p>
      <div className="mixer">
        {[
          ...shown.buses.map((b) => ({
            kind: "bus" as const,
            id: b.id,
            name: b.name || b.id,
            volumeDb: b.volumeDb,
          })),
          { kind: "master" as const, id: "master", name: "master", volumeDb: shown.master.volumeDb },
        ].map((b) => {
          const m = proposal?.marks?.get(stripKey(b.kind, b.id));
          return (
            <fieldset
              key={`${b.kind}:${b.id}`}
              className={`strip${m ? " proposed" : ""}`}
              aria-label={b.kind === "master" ? "Master" : `Bus ${b.name}`}
            >
              <legend>
                <strong>{b.name}</strong>
                {m?.added ? " (proposed)" : ""}
              </legend>
              <p className="small">
                Fader {b.volumeDb.toFixed(1)} dB
                {m?.fader ? ` (proposed: ${m.fader.fromDb.toFixed(1)} → ${m.fader.toDb.toFixed(1)} dB)` : ""}
              </p>
              {stripEngine(b.kind, b.id)}
            </fieldset>
          );
        })}
      </div>
    </section>
  );
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
      {open && doc && (
        <ProposalPanel
          note={open}
          doc={doc}
          proposed={proposal?.session ?? null}
          moves={moves}
          problem={proposal?.problem ?? null}
          canDecide={may(roles, "soundnote.decide")}
          onDecided={(n) => {
            setNote(n);
            notice.say(
              n.state === "accepted"
                ? `Accepted: session v${n.acceptedSessionVersion} saved; the mix is rendering (see the note on the song page).`
                : "Rejected: your reply is under the note.",
            );
          }}
        />
      )}
      {note && !open && <p className="muted">This sound note is {note.state}.</p>}
      <SessionPanel
        session={session}
        songTitle={song.title}
        takeCount={takeTracks.length}
        canWrite={canSession && !open}
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
                engine={session ? engineOf(i) : undefined}
                proposed={!!proposal?.marks?.get(stripKey("track", shown?.tracks[i]?.id ?? ""))}
                proposedFader={proposal?.marks?.get(stripKey("track", shown?.tracks[i]?.id ?? ""))?.fader}
                params={params[i] ?? DEFAULT_TRACK}
                reading={graph.readings.tracks[i]}
                onChange={(f) => change(i, f)}
              />
            ))}
          </div>
          {busStrips}
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
