/** Credits and splits, and the delivery checklist, per song. */
import * as S from "@controlroom/studio";
import { z } from "zod";
import { Credit, DeliveryChecklist } from "../responses.ts";
import { route } from "../route.ts";

const Credits = z.array(Credit);

export const creditRoutes = [
  route("GET /api/songs/{songId}/credits", {
    summary: "Credits and splits",
    tag: "credits",
    response: Credits,
    handler: async ({ studio, actor, params }) => S.getCredits(studio, actor, params.songId),
  }),
  route("PUT /api/songs/{songId}/credits", {
    summary: "Replace credits (writer and publisher shares each sum to 100 %)",
    tag: "credits",
    body: S.SetCreditsInput,
    response: Credits,
    handler: async ({ studio, actor, params, body }) => S.setCredits(studio, actor, params.songId, body),
  }),
  route("GET /api/songs/{songId}/delivery", {
    summary: "Delivery checklist",
    tag: "credits",
    response: DeliveryChecklist,
    handler: async ({ studio, actor, params }) => S.getChecklist(studio, actor, params.songId),
  }),
  route("PUT /api/songs/{songId}/delivery", {
    summary: "Tick a delivery item",
    tag: "credits",
    body: S.SetDeliveryItemInput,
    response: DeliveryChecklist,
    handler: async ({ studio, actor, params, body }) => S.setDeliveryItem(studio, actor, params.songId, body),
  }),
];
