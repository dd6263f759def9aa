/**
 * The typed API client. Every request names its route as the server declares it, `"<METHOD> <url template>"`,
 * and its answer is typed by that route's declared response schema (`Api`, packages/server/src/routes); its
 * body by the zod schema the server validates with. Both are imported as types only, so nothing of the server
 * ends up in the bundle, and a route renamed or reshaped on the server is a type error here. The server
 * checks in its tests that every answer matches its schema, so the types are what arrives.
 */

import type * as R from "@controlroom/server/responses.ts";
import type { Api } from "@controlroom/server/routes/index.ts";
import type * as S from "@controlroom/studio/index.ts";
import { PERMISSIONS } from "@controlroom/studio/team/roles.ts";
import type { z } from "zod";

/** A value as it crosses JSON: Dates become ISO strings (the response types below already are). */
export type Wire<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;
type In<S extends z.ZodType> = z.input<S>;

export type Approval = R.Approval;
export type AuditEntry = R.AuditEntry;
export type Booking = R.Booking;
export type BudgetLine = R.BudgetLine;
export type BudgetSummary = R.BudgetSummary;
export type BudgetTotals = R.BudgetTotals;
export type Comment = R.Comment;
export type Credit = R.Credit;
export type Dashboard = R.Dashboard;
export type DeliveryItem = R.DeliveryItem;
export type Job = R.Job;
export type Member = R.Member;
export type Invitation = R.Invitation;
export type MixVersion = R.MixVersion;
export type Project = R.Project;
export type Room = R.Room;
export type Section = R.Section;
export type Song = R.Song;
export type SongDetail = R.SongDetail;
export type Take = R.Take;
/** What the take analysis found to repair in a take (badges and counts). */
export type TakeProblems = R.TakeProblems;
/** What a repair job leaves: the new take or version, what was found and done, the engine's report. */
export type RepairResult = R.RepairResult;
export type TakeRepairReport = R.TakeRepairReport;
export type Task = R.Task;
export type User = R.User;
export type Workspace = R.Workspace;
/** A blob as stored: its digest, size in bytes and sniffed format. */
export type StoredBlob = R.StoredBlob;
/** Precomputed waveform peaks: per channel, min/max pairs flattened, over `duration` seconds. */
export type Peaks = R.Peaks;
/** A song's mix session: the engine's session document and its version (optimistic concurrency). */
export type SongSession = R.SongSession;

/** A refused or failed request: the server's one-line message (which names the field for bad input). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

/** A route's name: `"<METHOD> <url template>"`, e.g. `"GET /api/songs/{songId}"`. */
type Route = keyof Api;
/** The `{name}` parts of a route's URL template. */
type ParamNames<T> = T extends `${string}{${infer P}}${infer Rest}` ? P | ParamNames<Rest> : never;
type Params<K extends Route> = { [P in ParamNames<K>]: string };

/** The URL of a route with its path parameters filled in. */
function urlOf<K extends Route>(route: K, params: Params<K>): string {
  const template = route.slice(route.indexOf(" ") + 1);
  return template.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent((params as Record<string, string>)[name] ?? ""),
  );
}

/** Calls a route; JSON bodies for POST/PUT/PATCH default to `{}`. @returns its answer. */
async function call<K extends Route>(
  route: K,
  params: Params<K>,
  body?: unknown,
  query?: URLSearchParams,
): Promise<Api[K]["response"]> {
  const method = route.slice(0, route.indexOf(" "));
  const url = urlOf(route, params) + (query?.size ? `?${query}` : "");
  const init: RequestInit = { method, credentials: "same-origin", headers: {} };
  if (method !== "GET") body ??= {};
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)["content-type"] = "application/json";
  }
  const res = await fetch(url, init);
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = text;
  }
  if (!res.ok) {
    const msg = (data as { message?: string } | null)?.message ?? `${method} ${url}: HTTP ${res.status}`;
    throw new ApiError(res.status, msg, data);
  }
  return data as Api[K]["response"];
}

/** A job request: its kind and input. */
export type JobRequest = In<typeof S.SubmitJobInput>;

/** The API: one entry per thing the app does, each calling the route the server declares for it. */
export const api = {
  /** With `invite` (an invitation link's token): the new account joins that team. */
  register: (b: In<typeof S.RegisterWithInviteInput>) => call("POST /api/auth/register", {}, b),
  login: (b: In<typeof S.LoginInput>) => call("POST /api/auth/login", {}, b),
  logout: () => call("POST /api/auth/logout", {}),
  me: () => call("GET /api/me", {}),
  /** Who is signed in, or null (no 401: the first load of a signed-out browser logs no error). */
  session: () => call("GET /api/auth/session", {}),

  workspaces: () => call("GET /api/workspaces", {}),
  createWorkspace: (name: string) => call("POST /api/workspaces", {}, { name }),
  rooms: (workspaceId: string) => call("GET /api/workspaces/{workspaceId}/rooms", { workspaceId }),
  createRoom: (workspaceId: string, b: In<typeof S.CreateRoomInput>) =>
    call("POST /api/workspaces/{workspaceId}/rooms", { workspaceId }, b),
  projects: (workspaceId: string) => call("GET /api/workspaces/{workspaceId}/projects", { workspaceId }),
  createProject: ({ workspaceId, ...b }: In<typeof S.CreateProjectInput>) =>
    call("POST /api/workspaces/{workspaceId}/projects", { workspaceId }, b),
  project: (id: string) => call("GET /api/projects/{projectId}", { projectId: id }),
  dashboard: (id: string) => call("GET /api/projects/{projectId}/dashboard", { projectId: id }),
  team: (id: string) => call("GET /api/projects/{projectId}/team", { projectId: id }),
  invitations: (id: string) => call("GET /api/projects/{projectId}/invitations", { projectId: id }),
  /** Someone with an account joins at once; otherwise a pending invitation and its link's token. */
  invite: (id: string, b: In<typeof S.InviteInput>) =>
    call("POST /api/projects/{projectId}/invitations", { projectId: id }, b),
  cancelInvitation: (id: string) => call("DELETE /api/invitations/{invitationId}", { invitationId: id }),
  /** What an invitation link offers (no sign-in). */
  invitationLink: (token: string) => call("GET /api/invitation-links/{token}", { token }),
  setRoles: (id: string, b: In<typeof S.SetRolesInput>) =>
    call("PUT /api/projects/{projectId}/team", { projectId: id }, b),
  bookings: (id: string) => call("GET /api/projects/{projectId}/bookings", { projectId: id }),
  createBooking: (id: string, b: In<typeof S.CreateBookingInput>) =>
    call("POST /api/projects/{projectId}/bookings", { projectId: id }, b),
  budget: (id: string) => call("GET /api/projects/{projectId}/budget", { projectId: id }),
  addBudgetLine: (id: string, b: In<typeof S.CreateLineInput>) =>
    call("POST /api/projects/{projectId}/budget/lines", { projectId: id }, b),
  updateBudgetLine: (lineId: string, b: In<typeof S.UpdateLineInput>) =>
    call("PATCH /api/budget/lines/{lineId}", { lineId }, b),
  addInvoice: (id: string, b: In<typeof S.AddInvoiceInput>) =>
    call("POST /api/projects/{projectId}/budget/invoices", { projectId: id }, b),
  updateInvoice: (actualId: string, b: In<typeof S.UpdateInvoiceInput>) =>
    call("PATCH /api/budget/actuals/{actualId}", { actualId }, b),
  tasks: (id: string, q: { open?: boolean; songId?: string } = {}) => {
    const qs = new URLSearchParams();
    if (q.open !== undefined) qs.set("open", String(q.open));
    if (q.songId) qs.set("songId", q.songId);
    return call("GET /api/projects/{projectId}/tasks", { projectId: id }, undefined, qs);
  },
  createTask: (songId: string, b: In<typeof S.CreateTaskInput>) =>
    call("POST /api/songs/{songId}/tasks", { songId }, b),
  completeTask: (id: string, b: In<typeof S.CompleteTaskInput>) =>
    call("PATCH /api/tasks/{taskId}", { taskId: id }, b),
  upload: (projectId: string, file: Blob, name: string) => {
    const fd = new FormData();
    fd.append("file", file, name);
    return call("POST /api/projects/{projectId}/uploads", { projectId }, fd);
  },
  blobUrl: (sha256: string) => urlOf("GET /api/blobs/{sha256}", { sha256 }),
  /** Precomputed waveform peaks of a stored file. */
  peaks: (sha256: string) => call("GET /api/blobs/{sha256}/peaks", { sha256 }),
  submitJob: (projectId: string, b: In<typeof S.SubmitJobInput>) =>
    call("POST /api/projects/{projectId}/jobs", { projectId }, b),
  job: (id: string) => call("GET /api/jobs/{jobId}", { jobId: id }),

  songs: (projectId: string) => call("GET /api/projects/{projectId}/songs", { projectId }),
  createSong: (projectId: string, b: In<typeof S.CreateSongInput>) =>
    call("POST /api/projects/{projectId}/songs", { projectId }, b),
  song: (id: string) => call("GET /api/songs/{songId}", { songId: id }),
  setStatus: (id: string, b: In<typeof S.SetStatusInput>) =>
    call("POST /api/songs/{songId}/status", { songId: id }, b),
  arrangement: (id: string) => call("GET /api/songs/{songId}/arrangement", { songId: id }),
  setArrangement: (id: string, b: In<typeof S.SetArrangementInput>) =>
    call("PUT /api/songs/{songId}/arrangement", { songId: id }, b),
  versions: (songId: string) => call("GET /api/songs/{songId}/versions", { songId }),
  createVersion: (songId: string, b: In<typeof S.CreateVersionInput>) =>
    call("POST /api/songs/{songId}/versions", { songId }, b),
  comments: (versionId: string) => call("GET /api/versions/{versionId}/comments", { versionId }),
  addComment: (versionId: string, b: In<typeof S.AddCommentInput>) =>
    call("POST /api/versions/{versionId}/comments", { versionId }, b),
  resolveComment: (id: string, b: In<typeof S.ResolveInput>) =>
    call("PATCH /api/comments/{commentId}", { commentId: id }, b),
  approvals: (versionId: string) => call("GET /api/versions/{versionId}/approvals", { versionId }),
  decide: (versionId: string, b: In<typeof S.DecideInput>) =>
    call("POST /api/versions/{versionId}/approvals", { versionId }, b),
  takes: (songId: string) => call("GET /api/songs/{songId}/takes", { songId }),
  createTake: (songId: string, b: In<typeof S.CreateTakeInput>) =>
    call("POST /api/songs/{songId}/takes", { songId }, b),
  decideTake: (id: string, b: In<typeof S.DecideTakeInput>) =>
    call("PATCH /api/takes/{takeId}", { takeId: id }, b),
  /** Starts repairing a take into a new take linked to it (a job). */
  repairTake: (takeId: string, b: In<typeof S.StartRepairBody>) =>
    call("POST /api/takes/{takeId}/repair", { takeId }, b),
  /** Starts repairing a version into a new version (a job). */
  repairVersion: (versionId: string, b: In<typeof S.StartRepairBody>) =>
    call("POST /api/versions/{versionId}/repair", { versionId }, b),
  /** What the repair that made a take found and did. */
  takeRepairReport: (takeId: string) => call("GET /api/takes/{takeId}/repair-report", { takeId }),
  credits: (songId: string) => call("GET /api/songs/{songId}/credits", { songId }),
  setCredits: (songId: string, b: In<typeof S.SetCreditsInput>) =>
    call("PUT /api/songs/{songId}/credits", { songId }, b),
  delivery: (songId: string) => call("GET /api/songs/{songId}/delivery", { songId }),
  setDelivery: (songId: string, b: In<typeof S.SetDeliveryItemInput>) =>
    call("PUT /api/songs/{songId}/delivery", { songId }, b),
};

/** What a render or mastering job leaves: the new version and its figures (plus kind-specific fields). */
export interface VersionJobResult {
  versionId: string;
  integratedLufs: number;
  truePeakDbtp: number;
  onTarget?: boolean;
  qc?: { verdict: string; checks: { id: string; verdict: string; message: string }[] };
  mix?: { sha256: string };
  master?: { sha256: string };
}

/** The routes of the server-side session, render, mastering and report features, as URL templates. */
export interface OptionalRoutes {
  /** GET and PUT a song's session document. */
  session: string;
  /** POST: render the song's session as a job. */
  render: string;
  /** POST: master a mix version as a job. */
  master: string;
  /** GET: the report a render or master job left on a version. */
  report: string;
  /** GET: precomputed waveform peaks of a blob. */
  peaks: string;
}

const template = (route: Route) => route.slice(route.indexOf(" ") + 1);
const ROUTES: OptionalRoutes = {
  session: template("PUT /api/songs/{songId}/session"),
  render: template("POST /api/songs/{songId}/renders"),
  master: template("POST /api/versions/{versionId}/master"),
  report: template("GET /api/versions/{versionId}/report"),
  peaks: template("GET /api/blobs/{sha256}/peaks"),
};

/**
 * The server-side session, render, mastering and report routes. Once found in the OpenAPI document because
 * not every server had them; every server does now, so `routes()` names them all and the pages that still
 * ask get a yes.
 */
export const optional = {
  routes: async (): Promise<OptionalRoutes> => ROUTES,
  session: (songId: string) => call("GET /api/songs/{songId}/session", { songId }),
  saveSession: (songId: string, b: In<typeof S.PutSongSessionInput>) =>
    call("PUT /api/songs/{songId}/session", { songId }, b),
  render: (songId: string, b: In<typeof S.StartRenderInput>) =>
    call("POST /api/songs/{songId}/renders", { songId }, b),
  master: ({ versionId, ...b }: In<typeof S.StartMasterInput>) =>
    call("POST /api/versions/{versionId}/master", { versionId }, b),
  report: (versionId: string) => call("GET /api/versions/{versionId}/report", { versionId }),
};

/** What the roles allow, mirrored from the studio's permission table for showing or hiding controls. */
export { allows, ROLES } from "@controlroom/studio/team/roles.ts";

/** Like `allows`, for actions this client's permission table may not know yet (then: not allowed). */
export function may(roles: readonly string[], action: string): boolean {
  const ok = (PERMISSIONS as Record<string, readonly string[] | undefined>)[action];
  return !!ok && roles.some((r) => ok.includes(r));
}

/** A sound note: a comment's proposed moves on the mix session, the decision, the mix it became. */
export type SoundNote = R.SoundNote;
/** A move of a sound note's proposal, with its changes in words. */
export type SoundNoteMove = R.SoundNote["moves"][number];

/** Sound notes: mark a comment, read the proposal, accept (with edits) or reject with a reply. */
export const soundNotes = {
  mark: (commentId: string) => call("POST /api/comments/{commentId}/sound-note", { commentId }),
  get: (commentId: string) => call("GET /api/comments/{commentId}/sound-note", { commentId }),
  ofVersion: (versionId: string) => call("GET /api/versions/{versionId}/sound-notes", { versionId }),
  decide: (commentId: string, b: In<typeof S.DecideSoundNoteInput>) =>
    call("POST /api/comments/{commentId}/sound-note/decision", { commentId }, b),
};
