/** The schedule: a workspace's rooms, a project's bookings (holds, confirmations, cancellations). */
import * as S from "@controlroom/studio";
import { z } from "zod";
import { Booking, Room } from "../responses.ts";
import { id, ProjectId, route, WorkspaceId } from "../route.ts";

const B = id("bookingId");

export const scheduleRoutes = [
  route({
    method: "GET",
    url: "/api/workspaces/{workspaceId}/rooms",
    summary: "Rooms and studios",
    tag: "schedule",
    params: WorkspaceId,
    response: z.array(Room),
    handler: async ({ studio, actor, params }) => S.listRooms(studio, actor, params.workspaceId),
  }),
  route({
    method: "POST",
    url: "/api/workspaces/{workspaceId}/rooms",
    summary: "Add a room with its rate and cancellation policy (owners)",
    tag: "schedule",
    status: 201,
    params: WorkspaceId,
    body: S.CreateRoomInput,
    response: Room,
    handler: async ({ studio, actor, params, body }) => S.createRoom(studio, actor, params.workspaceId, body),
  }),
  route({
    method: "GET",
    url: "/api/projects/{projectId}/bookings",
    summary: "Bookings in time order",
    tag: "schedule",
    params: ProjectId,
    query: S.ListBookingsQuery,
    response: z.array(Booking),
    handler: async ({ studio, actor, params, req }) =>
      S.listBookings(studio, actor, params.projectId, req.query),
  }),
  route({
    method: "POST",
    url: "/api/projects/{projectId}/bookings",
    summary: "Book a room and/or people (409 names a conflicting booking)",
    tag: "schedule",
    status: 201,
    params: ProjectId,
    body: S.CreateBookingInput,
    response: Booking,
    handler: async ({ studio, actor, params, body }) =>
      S.createBooking(studio, actor, params.projectId, body),
  }),
  route({
    method: "POST",
    url: "/api/bookings/{bookingId}/confirm",
    summary: "Confirm a hold (its cost flows into the budget)",
    tag: "schedule",
    params: B,
    body: S.BookingVersionInput,
    response: Booking,
    handler: async ({ studio, actor, params, body }) =>
      S.confirmBooking(studio, actor, params.bookingId, body),
  }),
  route({
    method: "POST",
    url: "/api/bookings/{bookingId}/cancel",
    summary: "Cancel under the room's policy",
    tag: "schedule",
    params: B,
    body: S.BookingVersionInput,
    response: Booking,
    handler: async ({ studio, actor, params, body }) =>
      S.cancelBooking(studio, actor, params.bookingId, body),
  }),
];
