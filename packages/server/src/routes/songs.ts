/** Songs: the running order, a song's details and pipeline status, performers, arrangement. */
import * as S from "@controlroom/studio";
import { z } from "zod";
import { Section, SongDetail, SongSummary } from "../responses.ts";
import { route } from "../route.ts";

const Arrangement = z.array(Section);

export const songRoutes = [
  route("GET /api/projects/{projectId}/songs", {
    summary: "Songs in running order",
    tag: "songs",
    query: S.ListSongsQuery,
    response: z.object({ songs: z.array(SongSummary), total: z.number() }),
    handler: async ({ studio, actor, params, req }) =>
      S.listSongs(studio, actor, params.projectId, req.query),
  }),
  route("POST /api/projects/{projectId}/songs", {
    summary: "Add a song (producers)",
    tag: "songs",
    status: 201,
    body: S.CreateSongInput,
    response: SongDetail,
    handler: async ({ studio, actor, params, body }) => S.createSong(studio, actor, params.projectId, body),
  }),
  route("GET /api/songs/{songId}", {
    summary: "A song with its status history",
    tag: "songs",
    response: SongDetail,
    handler: async ({ studio, actor, params }) => S.getSong(studio, actor, params.songId),
  }),
  route("PATCH /api/songs/{songId}", {
    summary: "Edit a song (producer, artist)",
    tag: "songs",
    body: S.UpdateSongInput,
    response: SongDetail,
    handler: async ({ studio, actor, params, body }) => S.updateSong(studio, actor, params.songId, body),
  }),
  route("POST /api/songs/{songId}/status", {
    summary: "Move a song along the pipeline",
    tag: "songs",
    body: S.SetStatusInput,
    response: SongDetail,
    handler: async ({ studio, actor, params, body }) => S.setSongStatus(studio, actor, params.songId, body),
  }),
  route("PUT /api/songs/{songId}/performers", {
    summary: "Who plays on the song",
    tag: "songs",
    body: S.SetPerformersInput,
    response: SongDetail,
    handler: async ({ studio, actor, params, body }) => S.setPerformers(studio, actor, params.songId, body),
  }),
  route("GET /api/songs/{songId}/arrangement", {
    summary: "Sections in order",
    tag: "songs",
    response: Arrangement,
    handler: async ({ studio, actor, params }) => S.getArrangement(studio, actor, params.songId),
  }),
  route("PUT /api/songs/{songId}/arrangement", {
    summary: "Replace the arrangement",
    tag: "songs",
    body: S.SetArrangementInput,
    response: Arrangement,
    handler: async ({ studio, actor, params, body }) => S.setArrangement(studio, actor, params.songId, body),
  }),
];
