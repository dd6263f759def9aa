/**
 * A sound note's proposal opened in the mixer: the note and its moves with their reasons and numbers, an A/B
 * of the commented span — the session as it is against the session with the (edited) proposal, both rendered
 * here with the engine and levelled to the same loudness — and the engineer's decision: accept (the moves as
 * edited on the strips; the server saves a session version and renders the mix) or reject with a reply.
 */
import type { Session } from "@controlroom/engine/session/schema.ts";
import { useEffect, useRef, useState } from "react";
import { api, type SoundNote, soundNotes, type Wire } from "../api.ts";
import type { Side } from "../audio/ab-player.ts";
import { type ProposalAB, renderProposalAB } from "../audio/engine-ab.ts";
import { type Player, useAudio } from "../audio/services.tsx";
import { MoveList } from "../soundnote/MoveList.tsx";
import { messageOf } from "../util.ts";
import type { ProposalMove } from "./proposal.ts";

/** Planar samples as an AudioBuffer (a plain stand-in where the page has no Web Audio, as under tests). */
function bufferOf(ch: Float32Array[], sampleRate: number): AudioBuffer {
  if (typeof AudioBuffer === "undefined")
    return {
      sampleRate,
      length: ch[0].length,
      duration: ch[0].length / sampleRate,
      numberOfChannels: ch.length,
      getChannelData: (c: number) => ch[c],
    } as unknown as AudioBuffer;
  const b = new AudioBuffer({ numberOfChannels: ch.length, length: ch[0].length, sampleRate });
  for (const [c, x] of ch.entries()) b.copyToChannel(x as Float32Array<ArrayBuffer>, c);
  return b;
}

/** A decoded file's channels at `sampleRate` (resampled by the browser when it decoded at another rate). */
async function channelsAt(buffer: AudioBuffer, sampleRate: number): Promise<Float32Array[]> {
  const read = (b: AudioBuffer) => Array.from({ length: b.numberOfChannels }, (_, c) => b.getChannelData(c));
  if (buffer.sampleRate === sampleRate) return read(buffer);
  const ctx = new OfflineAudioContext(
    buffer.numberOfChannels,
    Math.ceil(buffer.duration * sampleRate),
    sampleRate,
  );
  const src = ctx.createBufferSource();
  src.buffer = buffer;
  src.connect(ctx.destination);
  src.start();
  return read(await ctx.startRendering());
}

const db = (v: number) => `${v > 0 ? "+" : ""}${v.toFixed(1)} dB`;

export function ProposalPanel({
  note,
  doc,
  proposed,
  moves,
  problem,
  canDecide,
  onDecided,
}: {
  note: Wire<SoundNote>;
  /** The session as it is. */
  doc: Session;
  /** The session with the moves applied (null when they no longer fit: `problem` says why). */
  proposed: Session | null;
  /** The moves as edited on the strips. */
  moves: ProposalMove[];
  problem: string | null;
  canDecide: boolean;
  onDecided(n: Wire<SoundNote>): void;
}) {
  const { decode, createPlayer } = useAudio();
  const player = useRef<Player | null>(null);
  const [ab, setAb] = useState<ProposalAB | null>(null);
  const [abFor, setAbFor] = useState<ProposalMove[] | null>(null);
  const [rendering, setRendering] = useState(false);
  const [side, setSide] = useState<0 | 1>(1);
  const [playing, setPlaying] = useState(false);
  const [reply, setReply] = useState("");
  const [err, setErr] = useState<string | null>(null);
  useEffect(
    () => () => {
      player.current?.dispose();
      player.current = null;
    },
    [],
  );
  const span = note.span ?? { start: 0, end: 8 };

  async function renderAB() {
    if (!proposed) return;
    setErr(null);
    setRendering(true);
    try {
      const audio: Record<string, Float32Array[]> = {};
      for (const [id, ref] of Object.entries(doc.audio))
        audio[id] = await channelsAt(await decode(api.blobUrl(ref.sha256)), doc.sampleRate);
      const r = await renderProposalAB(doc, proposed, audio, span);
      setAb(r);
      setAbFor(moves);
      player.current ??= createPlayer();
      const a: Side = { buffer: bufferOf(r.current, r.sampleRate), gainDb: r.currentGainDb };
      const b: Side = { buffer: bufferOf(r.proposed, r.sampleRate), gainDb: r.proposedGainDb };
      player.current.setSides(a, b);
      player.current.switchTo(side);
    } catch (e) {
      setErr(messageOf(e));
    } finally {
      setRendering(false);
    }
  }

  async function decide(decision: "accept" | "reject") {
    setErr(null);
    try {
      const strip = moves.map(({ changeLines: _, measured: __, ...m }) => m);
      const n =
        decision === "accept"
          ? await soundNotes.decide(note.commentId, {
              decision,
              version: note.version,
              moves: strip as never,
              ...(reply.trim() ? { reply } : {}),
            })
          : await soundNotes.decide(note.commentId, { decision, version: note.version, reply });
      player.current?.pause();
      onDecided(n);
    } catch (e) {
      setErr(messageOf(e));
    }
  }

  const stale = ab && abFor !== moves;
  return (
    <section className="card proposal" aria-label="Sound note proposal">
      <h2>Sound note</h2>
      <p>
        “{note.note}” — measured over {span.start.toFixed(1)}–{span.end.toFixed(1)} s on session v
        {note.sessionVersion}. Changes are highlighted on the strips; edit them there.
      </p>
      <MoveList moves={moves} />
      {problem && <p className="error">{problem}</p>}
      {err && <p className="error">{err}</p>}
      <div className="row">
        <button type="button" disabled={!proposed || rendering} onClick={renderAB}>
          {rendering ? "Rendering A/B…" : ab ? "Render the A/B again" : "Render A/B (engine, in the browser)"}
        </button>
        {ab && (
          <>
            <button
              type="button"
              onClick={() => {
                if (!player.current) return;
                if (playing) player.current.pause();
                else player.current.play(0);
                setPlaying(!playing);
              }}
            >
              {playing ? "■ Stop" : "▶ Play the span"}
            </button>
            {(["A: as it is", "B: proposed"] as const).map((label, i) => (
              <button
                key={label}
                type="button"
                aria-pressed={side === i}
                onClick={() => {
                  setSide(i as 0 | 1);
                  player.current?.switchTo(i as 0 | 1);
                }}
              >
                {label}
              </button>
            ))}
          </>
        )}
      </div>
      {ab && (
        <p className="small" role="status" aria-label="A/B loudness">
          A {ab.currentLufs.toFixed(1)} LUFS, B {ab.proposedLufs.toFixed(1)} LUFS — played levelled (A{" "}
          {db(ab.currentGainDb)}, B {db(ab.proposedGainDb)})
          {stale ? "; the moves were edited since: render again" : ""}
        </p>
      )}
      {canDecide ? (
        <div className="row">
          <label>
            Reply to the note
            <input value={reply} onChange={(e) => setReply(e.target.value)} />
          </label>
          <button type="button" className="primary" disabled={!proposed} onClick={() => decide("accept")}>
            Accept and render the mix
          </button>
          <button type="button" onClick={() => decide("reject")}>
            Reject with this reply
          </button>
        </div>
      ) : (
        <p className="muted">Only the engineers decide on a sound note.</p>
      )}
    </section>
  );
}
