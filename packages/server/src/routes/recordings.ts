/** Recordings of a song (the masters that carry an ISRC). */
import * as S from "@controlroom/studio";
import { z } from "zod";
import { Recording } from "../responses.ts";
import { route } from "../route.ts";

export const recordingRoutes = [
  route("GET /api/songs/{songId}/recordings", {
    summary: "Recordings of the song",
    tag: "songs",
    response: z.array(Recording),
    handler: async ({ studio, actor, params }) => S.listRecordings(studio, actor, params.songId),
  }),
  route("POST /api/songs/{songId}/recordings", {
    summary: "Add a recording (ISRC optional)",
    tag: "songs",
    status: 201,
    body: S.CreateRecordingInput,
    response: Recording,
    handler: async ({ studio, actor, params, body }) => S.createRecording(studio, actor, params.songId, body),
  }),
  route("PATCH /api/recordings/{recordingId}", {
    summary: "Edit a recording: title, ISRC, status",
    tag: "songs",
    body: S.UpdateRecordingInput,
    response: Recording,
    handler: async ({ studio, actor, params, body }) =>
      S.updateRecording(studio, actor, params.recordingId, body),
  }),
];
