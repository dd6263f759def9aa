/** Takes: logged per part, rated and decided on by the producer. */
import * as S from "@controlroom/studio";
import { z } from "zod";
import { Take } from "../responses.ts";
import { route } from "../route.ts";

export const takeRoutes = [
  route("GET /api/songs/{songId}/takes", {
    summary: "Takes by part",
    tag: "takes",
    response: z.array(Take),
    handler: async ({ studio, actor, params }) => S.listTakes(studio, actor, params.songId),
  }),
  route("POST /api/songs/{songId}/takes", {
    summary: "Log a take",
    tag: "takes",
    status: 201,
    body: S.CreateTakeInput,
    response: Take,
    handler: async ({ studio, actor, params, body }) => S.createTake(studio, actor, params.songId, body),
  }),
  route("PATCH /api/takes/{takeId}", {
    summary: "Rate, note and decide on a take (producers)",
    tag: "takes",
    body: S.DecideTakeInput,
    response: Take,
    handler: async ({ studio, actor, params, body }) => S.decideTake(studio, actor, params.takeId, body),
  }),
];
