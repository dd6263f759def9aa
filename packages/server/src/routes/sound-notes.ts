/**
 * Sound notes: a comment marked as the producer's note about the sound, the moves the job proposes for it
 * against the song's mix session, and the engineer's decision (accept with edits → new session version and a
 * render linked to the note; reject with a reply).
 */
import * as S from "@controlroom/studio";
import { z } from "zod";
import { SoundNote } from "../responses.ts";
import { route } from "../route.ts";

/**
 * A note as the response schema types it: the engine's moves carry their own fields (kept, loose objects),
 * which the engine's types declare without an index signature.
 */
const asWire = <T>(n: T) => n as unknown as T extends unknown[] ? SoundNote[] : SoundNote;

export const soundNoteRoutes = [
  route("POST /api/comments/{commentId}/sound-note", {
    summary: "Mark a comment as a sound note: a job proposes moves on the song's mix session",
    tag: "versions",
    status: 202,
    response: SoundNote,
    handler: async ({ studio, actor, params }) =>
      asWire(await S.markSoundNote(studio, actor, params.commentId)),
  }),
  route("GET /api/comments/{commentId}/sound-note", {
    summary: "A sound note: the proposed moves with their reasons, the decision, the mix it became",
    tag: "versions",
    response: SoundNote,
    handler: async ({ studio, actor, params }) =>
      asWire(await S.getSoundNote(studio, actor, params.commentId)),
  }),
  route("GET /api/versions/{versionId}/sound-notes", {
    summary: "The sound notes on a version",
    tag: "versions",
    response: z.array(SoundNote),
    handler: async ({ studio, actor, params }) =>
      asWire(await S.listSoundNotes(studio, actor, params.versionId)),
  }),
  route("POST /api/comments/{commentId}/sound-note/decision", {
    summary:
      "Accept the proposed moves (as edited) — saves a session version and renders a mix (a job) — or reject with a reply",
    tag: "versions",
    body: S.DecideSoundNoteInput,
    response: SoundNote,
    handler: async ({ studio, actor, params, body }) =>
      asWire(await S.decideSoundNote(studio, actor, params.commentId, body)),
  }),
];
