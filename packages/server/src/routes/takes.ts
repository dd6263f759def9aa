/** Takes: logged per part, rated and decided on by the producer. */
import * as S from "@controlroom/studio";
import { z } from "zod";
import { Take } from "../responses.ts";
import { id, route, SongId } from "../route.ts";

export const takeRoutes = [
  route({
    method: "GET",
    url: "/api/songs/{songId}/takes",
    summary: "Takes by part",
    tag: "takes",
    params: SongId,
    response: z.array(Take),
    handler: async ({ studio, actor, params }) => S.listTakes(studio, actor, params.songId),
  }),
  route({
    method: "POST",
    url: "/api/songs/{songId}/takes",
    summary: "Log a take",
    tag: "takes",
    status: 201,
    params: SongId,
    body: S.CreateTakeInput,
    response: Take,
    handler: async ({ studio, actor, params, body }) => S.createTake(studio, actor, params.songId, body),
  }),
  route({
    method: "PATCH",
    url: "/api/takes/{takeId}",
    summary: "Rate, note and decide on a take (producers)",
    tag: "takes",
    params: id("takeId"),
    body: S.DecideTakeInput,
    response: Take,
    handler: async ({ studio, actor, params, body }) => S.decideTake(studio, actor, params.takeId, body),
  }),
];
