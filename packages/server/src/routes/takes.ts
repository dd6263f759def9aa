/** Takes: logged per part, rated and decided on by the producer. */
import * as S from "@controlroom/studio";
import { z } from "zod";
import { Take } from "../responses.ts";
import { id, type Routes, SongId } from "../route.ts";

export function takeRoutes(r: Routes): void {
  r.add({
    method: "GET",
    url: "/api/songs/{songId}/takes",
    summary: "Takes by part",
    tag: "takes",
    params: SongId,
    response: z.array(Take),
    handler: async ({ studio, actor, params }) => S.listTakes(studio, actor, params.songId),
  });
  r.add({
    method: "POST",
    url: "/api/songs/{songId}/takes",
    summary: "Log a take",
    tag: "takes",
    status: 201,
    params: SongId,
    body: S.CreateTakeInput,
    response: Take,
    handler: async ({ studio, actor, params, body }) => S.createTake(studio, actor, params.songId, body),
  });
  r.add({
    method: "PATCH",
    url: "/api/takes/{takeId}",
    summary: "Rate, note and decide on a take (producers)",
    tag: "takes",
    params: id("takeId"),
    body: S.DecideTakeInput,
    response: Take,
    handler: async ({ studio, actor, params, body }) => S.decideTake(studio, actor, params.takeId, body),
  });
}
