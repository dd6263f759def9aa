/** Recordings of a song (the masters that carry an ISRC). */
import * as S from "@controlroom/studio";
import { z } from "zod";
import { Recording } from "../responses.ts";
import { id, route, SongId } from "../route.ts";

export const recordingRoutes = [
  route({
    method: "GET",
    url: "/api/songs/{songId}/recordings",
    summary: "Recordings of the song",
    tag: "songs",
    params: SongId,
    response: z.array(Recording),
    handler: async ({ studio, actor, params }) => S.listRecordings(studio, actor, params.songId),
  }),
  route({
    method: "POST",
    url: "/api/songs/{songId}/recordings",
    summary: "Add a recording (ISRC optional)",
    tag: "songs",
    status: 201,
    params: SongId,
    body: S.CreateRecordingInput,
    response: Recording,
    handler: async ({ studio, actor, params, body }) => S.createRecording(studio, actor, params.songId, body),
  }),
  route({
    method: "PATCH",
    url: "/api/recordings/{recordingId}",
    summary: "Edit a recording: title, ISRC, status",
    tag: "songs",
    params: id("recordingId"),
    body: S.UpdateRecordingInput,
    response: Recording,
    handler: async ({ studio, actor, params, body }) =>
      S.updateRecording(studio, actor, params.recordingId, body),
  }),
];
