/** Songs: the running order, a song's details and pipeline status, performers, arrangement. */
import * as S from "@controlroom/studio";
import { z } from "zod";
import { Section, SongDetail, SongSummary } from "../responses.ts";
import { ProjectId, route, SongId } from "../route.ts";

const Arrangement = z.array(Section);

export const songRoutes = [
  route({
    method: "GET",
    url: "/api/projects/{projectId}/songs",
    summary: "Songs in running order",
    tag: "songs",
    params: ProjectId,
    query: S.ListSongsQuery,
    response: z.object({ songs: z.array(SongSummary), total: z.number() }),
    handler: async ({ studio, actor, params, req }) =>
      S.listSongs(studio, actor, params.projectId, req.query),
  }),
  route({
    method: "POST",
    url: "/api/projects/{projectId}/songs",
    summary: "Add a song (producers)",
    tag: "songs",
    status: 201,
    params: ProjectId,
    body: S.CreateSongInput,
    response: SongDetail,
    handler: async ({ studio, actor, params, body }) => S.createSong(studio, actor, params.projectId, body),
  }),
  route({
    method: "GET",
    url: "/api/songs/{songId}",
    summary: "A song with its status history",
    tag: "songs",
    params: SongId,
    response: SongDetail,
    handler: async ({ studio, actor, params }) => S.getSong(studio, actor, params.songId),
  }),
  route({
    method: "PATCH",
    url: "/api/songs/{songId}",
    summary: "Edit a song (producer, artist)",
    tag: "songs",
    params: SongId,
    body: S.UpdateSongInput,
    response: SongDetail,
    handler: async ({ studio, actor, params, body }) => S.updateSong(studio, actor, params.songId, body),
  }),
  route({
    method: "POST",
    url: "/api/songs/{songId}/status",
    summary: "Move a song along the pipeline",
    tag: "songs",
    params: SongId,
    body: S.SetStatusInput,
    response: SongDetail,
    handler: async ({ studio, actor, params, body }) => S.setSongStatus(studio, actor, params.songId, body),
  }),
  route({
    method: "PUT",
    url: "/api/songs/{songId}/performers",
    summary: "Who plays on the song",
    tag: "songs",
    params: SongId,
    body: S.SetPerformersInput,
    response: SongDetail,
    handler: async ({ studio, actor, params, body }) => S.setPerformers(studio, actor, params.songId, body),
  }),
  route({
    method: "GET",
    url: "/api/songs/{songId}/arrangement",
    summary: "Sections in order",
    tag: "songs",
    params: SongId,
    response: Arrangement,
    handler: async ({ studio, actor, params }) => S.getArrangement(studio, actor, params.songId),
  }),
  route({
    method: "PUT",
    url: "/api/songs/{songId}/arrangement",
    summary: "Replace the arrangement",
    tag: "songs",
    params: SongId,
    body: S.SetArrangementInput,
    response: Arrangement,
    handler: async ({ studio, actor, params, body }) => S.setArrangement(studio, actor, params.songId, body),
  }),
];
