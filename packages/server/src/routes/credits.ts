/** Credits and splits, and the delivery checklist, per song. */
import * as S from "@controlroom/studio";
import { z } from "zod";
import { Credit, DeliveryChecklist } from "../responses.ts";
import { route, SongId } from "../route.ts";

const Credits = z.array(Credit);

export const creditRoutes = [
  route({
    method: "GET",
    url: "/api/songs/{songId}/credits",
    summary: "Credits and splits",
    tag: "credits",
    params: SongId,
    response: Credits,
    handler: async ({ studio, actor, params }) => S.getCredits(studio, actor, params.songId),
  }),
  route({
    method: "PUT",
    url: "/api/songs/{songId}/credits",
    summary: "Replace credits (writer and publisher shares each sum to 100 %)",
    tag: "credits",
    params: SongId,
    body: S.SetCreditsInput,
    response: Credits,
    handler: async ({ studio, actor, params, body }) => S.setCredits(studio, actor, params.songId, body),
  }),
  route({
    method: "GET",
    url: "/api/songs/{songId}/delivery",
    summary: "Delivery checklist",
    tag: "credits",
    params: SongId,
    response: DeliveryChecklist,
    handler: async ({ studio, actor, params }) => S.getChecklist(studio, actor, params.songId),
  }),
  route({
    method: "PUT",
    url: "/api/songs/{songId}/delivery",
    summary: "Tick a delivery item",
    tag: "credits",
    params: SongId,
    body: S.SetDeliveryItemInput,
    response: DeliveryChecklist,
    handler: async ({ studio, actor, params, body }) => S.setDeliveryItem(studio, actor, params.songId, body),
  }),
];
