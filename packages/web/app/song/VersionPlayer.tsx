/**
 * One version on the song page: its waveform with the comments laid over it, the transport, A/B against
 * another version, the comment form and list, the approval, and "Measure loudness" when the server has not.
 * What is shown is what is heard: while B plays, the heading, waveform, comments and approval are B's.
 */
import { useRef, useState } from "react";
import { allows, api } from "../api.ts";
import { runJob } from "../jobs.ts";
import { clock, useLoad } from "../util.ts";
import { ABSwitch } from "./ABSwitch.tsx";
import { ApprovalPanel } from "./ApprovalPanel.tsx";
import { CommentForm } from "./CommentForm.tsx";
import { CommentList } from "./CommentList.tsx";
import { type Draft, pickOnWaveform, roundTime } from "./comment-draft.ts";
import { useABPlayer } from "./useABPlayer.ts";
import { useShortcuts } from "./useShortcuts.ts";
import type { V } from "./versions.ts";
import { Waveform } from "./Waveform.tsx";

export function VersionPlayer({
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
  const player = useABPlayer(version, compare);
  const shown = player.side === 1 && compare ? compare : version;
  const [comments, , reloadComments] = useLoad(() => api.comments(shown.id), [shown.id]);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [body, setBody] = useState("");
  const input = useRef<HTMLTextAreaElement>(null);
  const canComment = allows(roles, "comment.write");

  const startDraft = (d: Draft) => {
    setDraft(d);
    setTimeout(() => input.current?.focus(), 0);
  };
  useShortcuts({
    toggle: player.toggle,
    step: player.step,
    comment: () => startDraft({ at: player.time, end: null }),
    typeInto:
      canComment && draft
        ? (text) => {
            setBody((b) => b + text);
            input.current?.focus();
          }
        : null,
  });

  return (
    <div className="player">
      <h3>
        {compare && `${player.side === 1 ? "B" : "A"}: `}
        {shown.kind} v{shown.number} {shown.label && `— ${shown.label}`}
      </h3>
      {player.error && <p className="error">{player.error}</p>}
      <Waveform
        label={`Waveform of ${shown.kind} v${shown.number}`}
        peaks={player.peaks}
        duration={player.duration}
        time={player.time}
        comments={comments ?? []}
        pending={draft}
        onPick={(t, shift) => {
          startDraft(pickOnWaveform(draft, t, shift, player.time));
          player.seek(t);
        }}
        onCommentClick={(c) => player.playFrom(c.atSeconds ?? 0)}
      />
      <div className="transport row">
        <button
          type="button"
          className="primary"
          onClick={player.toggle}
          disabled={!player.ready}
          aria-label={player.playing ? "Pause" : "Play"}
        >
          {player.playing ? "❚❚ Pause" : "▶ Play"}
        </button>
        <output className="clock" aria-label="Playhead" aria-live="off">
          {clock(player.time)} / {clock(player.duration)}
        </output>
        {compare && (
          <ABSwitch
            a={version}
            b={compare}
            side={player.side}
            time={player.time}
            match={player.match}
            onSwitch={player.switchTo}
          />
        )}
      </div>
      <p className="small muted">
        Click the waveform to comment at that moment; shift-click a second point for a range (from the first
        point, or from the playhead). Keys: space play/pause, ←/→ move 5 s, c comment at the playhead — not
        while a comment is being written.
      </p>
      {canComment && draft && (
        <CommentForm
          at={draft.at}
          end={draft.end}
          body={body}
          onBody={setBody}
          inputRef={input}
          onCancel={() => {
            setDraft(null);
            setBody("");
          }}
          onSubmit={async (text) => {
            await api.addComment(shown.id, {
              body: text,
              atSeconds: roundTime(draft.at),
              endSeconds: draft.end != null ? roundTime(draft.end) : null,
            });
            setDraft(null);
            setBody("");
            reloadComments();
            onChange();
          }}
        />
      )}
      <CommentList
        comments={comments ?? []}
        canWrite={canComment}
        versionId={shown.id}
        onPlay={player.playFrom}
        onChange={reloadComments}
      />
      <ApprovalPanel version={shown} canDecide={allows(roles, "approval.decide")} onChange={onChange} />
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
