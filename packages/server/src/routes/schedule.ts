/** The schedule: a workspace's rooms, a project's bookings (holds, confirmations, cancellations). */
import * as S from "@controlroom/studio";
import { z } from "zod";
import { Booking, Room } from "../responses.ts";
import { route } from "../route.ts";

export const scheduleRoutes = [
  route("GET /api/workspaces/{workspaceId}/rooms", {
    summary: "Rooms and studios",
    tag: "schedule",
    response: z.array(Room),
    handler: async ({ studio, actor, params }) => S.listRooms(studio, actor, params.workspaceId),
  }),
  route("POST /api/workspaces/{workspaceId}/rooms", {
    summary: "Add a room with its rate and cancellation policy (owners)",
    tag: "schedule",
    status: 201,
    body: S.CreateRoomInput,
    response: Room,
    handler: async ({ studio, actor, params, body }) => S.createRoom(studio, actor, params.workspaceId, body),
  }),
  route("GET /api/projects/{projectId}/bookings", {
    summary: "Bookings in time order",
    tag: "schedule",
    query: S.ListBookingsQuery,
    response: z.array(Booking),
    handler: async ({ studio, actor, params, req }) =>
      S.listBookings(studio, actor, params.projectId, req.query),
  }),
  route("POST /api/projects/{projectId}/bookings", {
    summary: "Book a room and/or people (409 names a conflicting booking)",
    tag: "schedule",
    status: 201,
    body: S.CreateBookingInput,
    response: Booking,
    handler: async ({ studio, actor, params, body }) =>
      S.createBooking(studio, actor, params.projectId, body),
  }),
  route("POST /api/bookings/{bookingId}/confirm", {
    summary: "Confirm a hold (its cost flows into the budget)",
    tag: "schedule",
    body: S.BookingVersionInput,
    response: Booking,
    handler: async ({ studio, actor, params, body }) =>
      S.confirmBooking(studio, actor, params.bookingId, body),
  }),
  route("POST /api/bookings/{bookingId}/cancel", {
    summary: "Cancel under the room's policy",
    tag: "schedule",
    body: S.BookingVersionInput,
    response: Booking,
    handler: async ({ studio, actor, params, body }) =>
      S.cancelBooking(studio, actor, params.bookingId, body),
  }),
];
