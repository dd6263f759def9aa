/**
 * The song page: arrangement timeline, version stack with upload, the chosen version's waveform with
 * time-stamped comments, loudness-matched A/B, approval, takes, credits and splits, delivery checklist.
 * Keyboard: space plays/pauses, ←/→ move the playhead 5 s (shift: 1 s), `c` comments at the playhead.
 */

import { LoudnessMeter } from "@controlroom/engine/analysis/loudness.ts";
import { useEffect, useMemo, useRef, useState } from "react";
import { allows, api, type Comment, type MixVersion, type Wire } from "../api.ts";
import { ABPlayer } from "../audio/ab-player.ts";
import { decodeUrl } from "../audio/context.ts";
import { peaksOf } from "../audio/peaks.ts";
import { Arrangement } from "../components/Arrangement.tsx";
import { Credits } from "../components/Credits.tsx";
import { Delivery } from "../components/Delivery.tsx";
import { Takes } from "../components/Takes.tsx";
import { Tasks } from "../components/Tasks.tsx";
import { Waveform } from "../components/Waveform.tsx";
import { runJob } from "../jobs.ts";
import { Link } from "../router.tsx";
import { clock, messageOf, useLoad, words } from "../util.ts";

type V = Wire<MixVersion>;

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
      <Versions
        projectId={project.id}
        songId={songId}
        versions={versions ?? []}
        roles={roles}
        onChange={reloadVersions}
      />
      <Takes songId={songId} projectId={project.id} roles={roles} />
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

function Versions({
  projectId,
  songId,
  versions,
  roles,
  onChange,
}: {
  projectId: string;
  songId: string;
  versions: V[];
  roles: string[];
  onChange(): void;
}) {
  const sorted = useMemo(
    () => [...versions].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt)),
    [versions],
  );
  const [chosen, setChosen] = useState<string | null>(null);
  const [other, setOther] = useState<string | null>(null);
  const current = sorted.find((v) => v.id === chosen) ?? sorted.find((v) => v.blobSha256) ?? null;
  const canUpload = allows(roles, "mix.upload") || allows(roles, "master.upload");
  return (
    <section className="card" aria-labelledby="versions-h">
      <h2 id="versions-h">Versions</h2>
      {sorted.length === 0 && <p className="muted">No mixes or masters yet.</p>}
      <table className="versions">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Label</th>
            <th scope="col">Loudness</th>
            <th scope="col">State</th>
            <th scope="col">Listen</th>
            <th scope="col">Compare</th>
            <th scope="col">File</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((v) => (
            <tr key={v.id} className={v.id === current?.id ? "chosen" : ""}>
              <td>
                {v.kind} v{v.number}
              </td>
              <td>{v.label}</td>
              <td>{v.integratedLufs != null ? `${v.integratedLufs.toFixed(1)} LUFS` : "not measured"}</td>
              <td>
                <span className={`state ${v.approvalState}`}>{words(v.approvalState)}</span>
              </td>
              <td>
                <button type="button" disabled={!v.blobSha256} onClick={() => setChosen(v.id)}>
                  {v.id === current?.id ? "Playing" : "Play"} {v.kind} v{v.number}
                </button>
              </td>
              <td>
                <label className="inline">
                  <input
                    type="radio"
                    name="compare"
                    disabled={!v.blobSha256 || v.id === current?.id}
                    checked={other === v.id}
                    onChange={() => setOther(v.id)}
                  />
                  B: {v.kind} v{v.number}
                </label>
              </td>
              <td>
                {v.blobSha256 && (
                  <a href={api.blobUrl(v.blobSha256)} download={`${v.kind} v${v.number}.wav`}>
                    Download {v.kind} v{v.number}
                  </a>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {canUpload && <UploadVersion projectId={projectId} songId={songId} roles={roles} onDone={onChange} />}
      {current && (
        <Player
          key={current.id}
          version={current}
          compare={sorted.find((v) => v.id === other && v.id !== current.id) ?? null}
          roles={roles}
          projectId={projectId}
          onChange={onChange}
        />
      )}
    </section>
  );
}

function UploadVersion({
  projectId,
  songId,
  roles,
  onDone,
}: {
  projectId: string;
  songId: string;
  roles: string[];
  onDone(): void;
}) {
  const [kind, setKind] = useState<"mix" | "master">(allows(roles, "mix.upload") ? "mix" : "master");
  const [label, setLabel] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  return (
    <form
      className="row"
      onSubmit={async (ev) => {
        ev.preventDefault();
        if (!file) return;
        try {
          setStatus(`Uploading ${file.name}…`);
          const blob = await api.upload(projectId, file, file.name);
          const v = await api.createVersion(songId, {
            kind,
            label: label || file.name,
            blobSha256: blob.sha256,
          });
          onDone();
          if (allows(roles, "job.run")) {
            setStatus(`Measuring loudness of ${kind} v${v.number}…`);
            await runJob(projectId, { kind: "analyze", input: { versionId: v.id } }, (p) =>
              setStatus(`Measuring loudness of ${kind} v${v.number}… ${Math.round(p * 100)}%`),
            );
          }
          setStatus(`Uploaded ${kind} v${v.number}.`);
          setLabel("");
          onDone();
        } catch (e) {
          setStatus(messageOf(e));
          onDone();
        }
      }}
    >
      <label>
        Kind
        <select value={kind} onChange={(e) => setKind(e.target.value as "mix")}>
          {allows(roles, "mix.upload") && <option value="mix">mix</option>}
          {allows(roles, "master.upload") && <option value="master">master</option>}
        </select>
      </label>
      <label>
        Label
        <input value={label} onChange={(e) => setLabel(e.target.value)} placeholder="e.g. vocal up 1 dB" />
      </label>
      <label>
        Audio file
        <input
          type="file"
          accept="audio/*,.wav,.flac,.mp3,.ogg"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
      </label>
      <button type="submit" disabled={!file}>
        Upload version
      </button>
      {status && <p role="status">{status}</p>}
    </form>
  );
}

/** Waveform, transport, A/B, comments and approval for one version. */
function Player({
  version,
  compare,
  roles,
  projectId,
  onChange,
}: {
  version: V;
  compare: V | null;
  roles: string[];
  projectId: string;
  onChange(): void;
}) {
  const player = useRef(new ABPlayer());
  const [peaks, setPeaks] = useState<number[][] | null>(null);
  const [duration, setDuration] = useState(0);
  const [time, setTime] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [side, setSide] = useState<0 | 1>(0);
  const [ready, setReady] = useState(false);
  const [match, setMatch] = useState<{ gains: [number, number]; how: "server" | "browser" | "none" }>({
    gains: [0, 0],
    how: "server",
  });
  const [err, setErr] = useState<string | null>(null);
  const [comments, , reloadComments] = useLoad(() => api.comments(version.id), [version.id]);
  const [pending, setPending] = useState<{ at: number; end: number | null } | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);

  // Decode the version (and the one compared), and draw peaks: the server's if it has them.
  useEffect(() => {
    let live = true;
    const p = player.current;
    if (version.blobSha256)
      api.peaks(version.blobSha256).then(
        (pk) => {
          if (!live || !pk) return;
          setPeaks(pk.peaks);
          setDuration(pk.duration);
        },
        () => {},
      );
    const urls = [version, compare].map((v) => (v?.blobSha256 ? api.blobUrl(v.blobSha256) : null));
    Promise.all(urls.map((u) => (u ? decodeUrl(u) : Promise.resolve(null)))).then(
      ([a, b]) => {
        if (!live || !a) return;
        // The server's match gains when it has measured both; else measure both here with the engine.
        let gains: [number, number] = [version.matchGainDb ?? 0, compare?.matchGainDb ?? 0];
        let how: "server" | "browser" | "none" = "server";
        if (b && compare && (version.matchGainDb == null || compare.matchGainDb == null)) {
          const la = bufferLufs(a);
          const lb = bufferLufs(b);
          if (Number.isFinite(la) && Number.isFinite(lb)) {
            const ref = Math.min(la, lb);
            gains = [ref - la, ref - lb];
            how = "browser";
          } else how = "none";
        }
        setMatch({ gains, how });
        p.setSides({ buffer: a, gainDb: gains[0] }, b && compare ? { buffer: b, gainDb: gains[1] } : null);
        setDuration(a.duration);
        setPeaks((old) => old ?? peaksOf(a));
        setReady(true);
      },
      (e) => live && setErr(messageOf(e)),
    );
    return () => {
      live = false;
    };
  }, [version, compare]);

  useEffect(() => {
    const p = player.current;
    p.onEnded = () => setPlaying(false);
    let raf = 0;
    const tick = () => {
      setTime(p.time);
      raf = requestAnimationFrame(tick);
    };
    raf = requestAnimationFrame(tick);
    return () => {
      cancelAnimationFrame(raf);
      p.dispose();
    };
  }, []);

  const toggle = () => {
    const p = player.current;
    if (p.playing) p.pause();
    else p.play();
    setPlaying(p.playing);
  };
  const commentAt = (at: number, end: number | null = null) => {
    setPending({ at, end });
    setTimeout(() => input.current?.focus(), 0);
  };

  // Keyboard: space, arrows, c — not while typing in a field.
  useEffect(() => {
    const on = (ev: KeyboardEvent) => {
      const t = ev.target as HTMLElement;
      if (t.closest("input, textarea, select, [contenteditable=true]")) return;
      const p = player.current;
      if (ev.key === " ") {
        ev.preventDefault();
        toggle();
      } else if (ev.key === "ArrowRight" || ev.key === "ArrowLeft") {
        ev.preventDefault();
        const step = (ev.shiftKey ? 1 : 5) * (ev.key === "ArrowRight" ? 1 : -1);
        p.seek(p.time + step);
        setTime(p.time);
      } else if (ev.key === "c") {
        ev.preventDefault();
        commentAt(p.time);
      }
    };
    window.addEventListener("keydown", on);
    return () => window.removeEventListener("keydown", on);
  });

  const switchTo = (s: 0 | 1) => {
    player.current.switchTo(s);
    setSide(s);
  };
  const heard = side === 1 && compare ? compare : version;
  return (
    <div className="player">
      <h3>
        {version.kind} v{version.number} {version.label && `— ${version.label}`}
      </h3>
      {err && <p className="error">{err}</p>}
      <Waveform
        label={`Waveform of ${version.kind} v${version.number}`}
        peaks={peaks}
        duration={duration}
        time={time}
        comments={comments ?? []}
        pending={pending}
        onPick={(t, shift) => {
          if (shift && pending) {
            const a = Math.min(pending.at, t);
            const b = Math.max(pending.at, t);
            commentAt(a, b > a ? b : null);
          } else commentAt(t);
          player.current.seek(t);
          setTime(t);
        }}
        onCommentClick={(c) => {
          player.current.play(c.atSeconds ?? 0);
          setPlaying(true);
        }}
      />
      <div className="transport row">
        <button
          type="button"
          className="primary"
          onClick={toggle}
          disabled={!ready}
          aria-label={playing ? "Pause" : "Play"}
        >
          {playing ? "❚❚ Pause" : "▶ Play"}
        </button>
        <output className="clock" aria-label="Playhead" aria-live="off">
          {clock(time)} / {clock(duration)}
        </output>
        {compare && (
          <fieldset className="ab">
            <legend className="visually-hidden">A/B comparison</legend>
            <button type="button" aria-pressed={side === 0} onClick={() => switchTo(0)}>
              A: {version.kind} v{version.number}
            </button>
            <button type="button" aria-pressed={side === 1} onClick={() => switchTo(1)}>
              B: {compare.kind} v{compare.number}
            </button>
            <span className="small" data-testid="ab-status">
              Hearing {side === 0 ? "A" : "B"} ({heard.kind} v{heard.number}) at {clock(time)},{" "}
              {match.how === "none"
                ? "loudness not measurable (unmatched)"
                : `loudness-matched ${match.gains[side].toFixed(1)} dB${match.how === "browser" ? " (measured in the browser)" : ""}`}
            </span>
          </fieldset>
        )}
      </div>
      <p className="small muted">
        Click the waveform to comment at that moment (shift-click a second point for a range). Keys: space
        play/pause, ←/→ move 5 s, c comment at the playhead.
      </p>
      {allows(roles, "comment.write") && pending && (
        <CommentForm
          at={pending.at}
          end={pending.end}
          inputRef={input}
          onCancel={() => setPending(null)}
          onSubmit={async (body) => {
            await api.addComment(version.id, {
              body,
              atSeconds: round(pending.at),
              endSeconds: pending.end != null ? round(pending.end) : null,
            });
            setPending(null);
            reloadComments();
            onChange();
          }}
        />
      )}
      <Comments
        comments={comments ?? []}
        canWrite={allows(roles, "comment.write")}
        versionId={version.id}
        onPlay={(t) => {
          player.current.play(t);
          setPlaying(true);
        }}
        onChange={reloadComments}
      />
      <ApprovalPanel version={version} canDecide={allows(roles, "approval.decide")} onChange={onChange} />
      {!version.integratedLufs && allows(roles, "job.run") && (
        <button
          type="button"
          onClick={async () => {
            await runJob(projectId, { kind: "analyze", input: { versionId: version.id } }, () => {}).catch(
              () => {},
            );
            onChange();
          }}
        >
          Measure loudness
        </button>
      )}
    </div>
  );
}

const round = (t: number) => Math.round(t * 100) / 100;

/** Integrated loudness of decoded audio with the engine's BS.1770 meter, LUFS. */
function bufferLufs(b: AudioBuffer): number {
  const ch = Array.from({ length: b.numberOfChannels }, (_, c) => b.getChannelData(c));
  const m = new LoudnessMeter(b.sampleRate, ch.length);
  m.process(ch, b.length);
  return m.result().integratedLufs;
}

function CommentForm({
  at,
  end,
  inputRef,
  onSubmit,
  onCancel,
}: {
  at: number;
  end: number | null;
  inputRef: React.RefObject<HTMLTextAreaElement | null>;
  onSubmit(body: string): Promise<void>;
  onCancel(): void;
}) {
  const [body, setBody] = useState("");
  const [err, setErr] = useState<string | null>(null);
  return (
    <form
      className="comment-form"
      onSubmit={async (ev) => {
        ev.preventDefault();
        try {
          await onSubmit(body);
          setBody("");
        } catch (e) {
          setErr(messageOf(e));
        }
      }}
    >
      <label>
        Comment at {clock(at)}
        {end != null ? `–${clock(end)}` : ""}
        <textarea ref={inputRef} required value={body} onChange={(e) => setBody(e.target.value)} rows={2} />
      </label>
      <button type="submit" className="primary">
        Add comment
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
      {err && <p className="error">{err}</p>}
    </form>
  );
}

function Comments({
  comments,
  canWrite,
  versionId,
  onPlay,
  onChange,
}: {
  comments: Wire<Comment>[];
  canWrite: boolean;
  versionId: string;
  onPlay(t: number): void;
  onChange(): void;
}) {
  const [err, setErr] = useState<string | null>(null);
  const [replyTo, setReplyTo] = useState<string | null>(null);
  const [reply, setReply] = useState("");
  if (comments.length === 0) return <p className="muted">No comments on this version yet.</p>;
  return (
    <div>
      <h3>Comments</h3>
      {err && <p className="error">{err}</p>}
      <ol className="comments">
        {comments.map((c) => (
          <li key={c.id} className={c.resolvedAt ? "resolved" : ""}>
            {c.atSeconds != null && (
              <button type="button" className="time" onClick={() => onPlay(c.atSeconds ?? 0)}>
                ▶ {clock(c.atSeconds)}
                {c.endSeconds != null ? `–${clock(c.endSeconds)}` : ""}
              </button>
            )}{" "}
            <strong>{c.authorName}</strong>: {c.body} {c.resolvedAt && <span className="tag">resolved</span>}
            {canWrite && (
              <span className="actions">
                <button
                  type="button"
                  onClick={async () => {
                    try {
                      await api.resolveComment(c.id, { version: c.version, resolved: !c.resolvedAt });
                      onChange();
                    } catch (e) {
                      setErr(messageOf(e));
                    }
                  }}
                >
                  {c.resolvedAt ? "Reopen" : "Resolve"}
                </button>
                <button type="button" onClick={() => setReplyTo(replyTo === c.id ? null : c.id)}>
                  Reply
                </button>
              </span>
            )}
            {c.replies.length > 0 && (
              <ul>
                {c.replies.map((r) => (
                  <li key={r.id}>
                    <strong>{r.authorName}</strong>: {r.body}
                  </li>
                ))}
              </ul>
            )}
            {replyTo === c.id && (
              <form
                className="row"
                onSubmit={async (ev) => {
                  ev.preventDefault();
                  try {
                    await api.addComment(versionId, { body: reply, parentId: c.id });
                    setReply("");
                    setReplyTo(null);
                    onChange();
                  } catch (e) {
                    setErr(messageOf(e));
                  }
                }}
              >
                <label>
                  Reply to {c.authorName}
                  <input required value={reply} onChange={(e) => setReply(e.target.value)} />
                </label>
                <button type="submit">Send reply</button>
              </form>
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}

function ApprovalPanel({
  version,
  canDecide,
  onChange,
}: {
  version: V;
  canDecide: boolean;
  onChange(): void;
}) {
  const [history, , reload] = useLoad(() => api.approvals(version.id).catch(() => []), [version.id]);
  const [note, setNote] = useState("");
  const [err, setErr] = useState<string | null>(null);
  const decide = async (state: "approved" | "needs_changes" | "in_review") => {
    setErr(null);
    try {
      await api.decide(version.id, { state, note });
      setNote("");
      reload();
      onChange();
    } catch (e) {
      setErr(messageOf(e));
    }
  };
  return (
    <div className="approval">
      <h3>
        Approval: <span className={`state ${version.approvalState}`}>{words(version.approvalState)}</span>
      </h3>
      {canDecide ? (
        <div className="row">
          <label>
            Note
            <input value={note} onChange={(e) => setNote(e.target.value)} />
          </label>
          <button type="button" className="primary" onClick={() => decide("approved")}>
            Approve
          </button>
          <button type="button" onClick={() => decide("needs_changes")}>
            Needs changes
          </button>
          <button type="button" onClick={() => decide("in_review")}>
            Back to review
          </button>
        </div>
      ) : (
        <p className="muted small">Only producers approve versions.</p>
      )}
      {err && <p className="error">{err}</p>}
      {history && history.length > 0 && (
        <ul className="list small">
          {history.map((a) => (
            <li key={`${a.decidedAt}${a.state}`}>
              {new Date(a.decidedAt).toLocaleString()} — {a.decidedByName}: {words(a.state)}
              {a.note && ` (“${a.note}”)`}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
