/**
 * The typed API client. Request bodies are typed by the zod schemas the server validates with, responses by
 * the return types of the service functions its routes call (all imported as types only, so nothing of the
 * server ends up in the bundle); dates arrive as ISO strings, which `Wire` expresses.
 * Every URL the app uses is in this file, so a route change is a one-line fix.
 */
import type { User } from "@controlroom/studio/accounts/accounts.ts";
import type { AuditEntry } from "@controlroom/studio/audit/audit.ts";
import type { BudgetLine, BudgetSummary, BudgetTotals } from "@controlroom/studio/budget/budget.ts";
import type { Credit, DeliveryItem } from "@controlroom/studio/credits/credits.ts";
import type * as S from "@controlroom/studio/index.ts";
import type { Job } from "@controlroom/studio/jobs/jobs.ts";
import type { Dashboard } from "@controlroom/studio/projects/dashboard.ts";
import type { Member, Project } from "@controlroom/studio/projects/projects.ts";
import type { Workspace } from "@controlroom/studio/projects/workspaces.ts";
import type { Booking } from "@controlroom/studio/schedule/bookings.ts";
import type { Room } from "@controlroom/studio/schedule/rooms.ts";
import type { Section } from "@controlroom/studio/songs/arrangement.ts";
import type { Song, SongDetail } from "@controlroom/studio/songs/songs.ts";
import type { Take } from "@controlroom/studio/takes/takes.ts";
import type { Task } from "@controlroom/studio/tasks/tasks.ts";
import { PERMISSIONS } from "@controlroom/studio/team/roles.ts";
import type { Approval } from "@controlroom/studio/versions/approvals.ts";
import type { Comment } from "@controlroom/studio/versions/comments.ts";
import type { MixVersion } from "@controlroom/studio/versions/mix-versions.ts";
import type { z } from "zod";
import { fill, optionalRoutes } from "./discovery.ts";

/** A value as it crosses JSON: Dates become ISO strings. */
export type Wire<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;
type In<S extends z.ZodType> = z.input<S>;

export type {
  Approval,
  AuditEntry,
  Booking,
  BudgetLine,
  BudgetSummary,
  BudgetTotals,
  Comment,
  Credit,
  Dashboard,
  DeliveryItem,
  Job,
  Member,
  MixVersion,
  Project,
  Room,
  Section,
  Song,
  SongDetail,
  Take,
  Task,
  User,
  Workspace,
};

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

async function call<T>(method: string, url: string, body?: unknown): Promise<Wire<T>> {
  const init: RequestInit = { method, credentials: "same-origin", headers: {} };
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
  return data as Wire<T>;
}

const get = <T>(url: string) => call<T>("GET", url);
const post = <T>(url: string, body?: unknown) => call<T>("POST", url, body ?? {});
const put = <T>(url: string, body?: unknown) => call<T>("PUT", url, body ?? {});
const patch = <T>(url: string, body?: unknown) => call<T>("PATCH", url, body ?? {});
const e = encodeURIComponent;

/** A blob as stored: its digest, size in bytes and sniffed format. */
export interface StoredBlob {
  sha256: string;
  size: number;
  format: string;
}

/** Precomputed waveform peaks: per channel, min/max pairs flattened, over `duration` seconds. */
export interface Peaks {
  duration: number;
  peaks: number[][];
}

/** A job request: its kind and input. */
export type JobRequest = In<typeof S.SubmitJobInput>;

/** What a service function answers, as it arrives over JSON. */
type Out<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;

/**
 * The API. Each entry names the route the server registers (packages/server/src/routes.ts) and takes its
 * response type from the service function that route calls, and its body type from the same zod schema.
 */
export const api = {
  register: (b: In<typeof S.RegisterInput>) => post<Out<typeof S.register>>("/api/auth/register", b),
  login: (b: In<typeof S.LoginInput>) => post<Omit<Out<typeof S.login>, "token">>("/api/auth/login", b),
  logout: () => post<{ ok: boolean }>("/api/auth/logout"),
  me: () => get<Out<typeof S.me>>("/api/me"),

  workspaces: () => get<Out<typeof S.listWorkspaces>>("/api/workspaces"),
  createWorkspace: (name: string) => post<Out<typeof S.createWorkspace>>("/api/workspaces", { name }),
  rooms: (workspaceId: string) => get<Out<typeof S.listRooms>>(`/api/workspaces/${e(workspaceId)}/rooms`),
  createRoom: (workspaceId: string, b: In<typeof S.CreateRoomInput>) =>
    post<Out<typeof S.createRoom>>(`/api/workspaces/${e(workspaceId)}/rooms`, b),
  projects: (workspaceId: string) =>
    get<Out<typeof S.listProjects>>(`/api/workspaces/${e(workspaceId)}/projects`),
  createProject: ({ workspaceId, ...b }: In<typeof S.CreateProjectInput>) =>
    post<Out<typeof S.createProject>>(`/api/workspaces/${e(workspaceId)}/projects`, b),
  project: (id: string) => get<Out<typeof S.getProject>>(`/api/projects/${e(id)}`),
  dashboard: (id: string) => get<Out<typeof S.getDashboard>>(`/api/projects/${e(id)}/dashboard`),
  team: (id: string) => get<Out<typeof S.listTeam>>(`/api/projects/${e(id)}/team`),
  setRoles: (id: string, b: In<typeof S.SetRolesInput>) =>
    put<Out<typeof S.setMemberRoles>>(`/api/projects/${e(id)}/team`, b),
  bookings: (id: string) => get<Out<typeof S.listBookings>>(`/api/projects/${e(id)}/bookings`),
  createBooking: (id: string, b: In<typeof S.CreateBookingInput>) =>
    post<Out<typeof S.createBooking>>(`/api/projects/${e(id)}/bookings`, b),
  budget: (id: string) => get<Out<typeof S.budgetSummary>>(`/api/projects/${e(id)}/budget`),
  tasks: (id: string, q: { open?: boolean; songId?: string } = {}) => {
    const qs = new URLSearchParams();
    if (q.open !== undefined) qs.set("open", String(q.open));
    if (q.songId) qs.set("songId", q.songId);
    return get<Out<typeof S.listTasks>>(`/api/projects/${e(id)}/tasks${qs.size ? `?${qs}` : ""}`);
  },
  createTask: (songId: string, b: In<typeof S.CreateTaskInput>) =>
    post<Out<typeof S.createTask>>(`/api/songs/${e(songId)}/tasks`, b),
  completeTask: (id: string, b: In<typeof S.CompleteTaskInput>) =>
    patch<Out<typeof S.completeTask>>(`/api/tasks/${e(id)}`, b),
  upload: (projectId: string, file: Blob, name: string) => {
    const fd = new FormData();
    fd.append("file", file, name);
    return post<Out<typeof S.uploadAudio>>(`/api/projects/${e(projectId)}/uploads`, fd);
  },
  blobUrl: (sha256: string) => `/api/blobs/${e(sha256)}`,
  /** Precomputed peaks, when the server offers them (null otherwise: draw from the decoded file). */
  peaks: async (sha256: string) => {
    const r = (await optionalRoutes()).peaks;
    return r ? get<Peaks>(fill(r, sha256)) : null;
  },
  submitJob: (projectId: string, b: In<typeof S.SubmitJobInput>) =>
    post<Out<typeof S.submitJob>>(`/api/projects/${e(projectId)}/jobs`, b),
  job: (id: string) => get<Out<typeof S.getJob>>(`/api/jobs/${e(id)}`),

  songs: (projectId: string) => get<Out<typeof S.listSongs>>(`/api/projects/${e(projectId)}/songs`),
  createSong: (projectId: string, b: In<typeof S.CreateSongInput>) =>
    post<Out<typeof S.createSong>>(`/api/projects/${e(projectId)}/songs`, b),
  song: (id: string) => get<Out<typeof S.getSong>>(`/api/songs/${e(id)}`),
  setStatus: (id: string, b: In<typeof S.SetStatusInput>) =>
    post<Out<typeof S.setSongStatus>>(`/api/songs/${e(id)}/status`, b),
  arrangement: (id: string) => get<Out<typeof S.getArrangement>>(`/api/songs/${e(id)}/arrangement`),
  setArrangement: (id: string, b: In<typeof S.SetArrangementInput>) =>
    put<Out<typeof S.setArrangement>>(`/api/songs/${e(id)}/arrangement`, b),
  versions: (songId: string) => get<Out<typeof S.listVersions>>(`/api/songs/${e(songId)}/versions`),
  createVersion: (songId: string, b: In<typeof S.CreateVersionInput>) =>
    post<Out<typeof S.createVersion>>(`/api/songs/${e(songId)}/versions`, b),
  comments: (versionId: string) => get<Out<typeof S.listComments>>(`/api/versions/${e(versionId)}/comments`),
  addComment: (versionId: string, b: In<typeof S.AddCommentInput>) =>
    post<Out<typeof S.addComment>>(`/api/versions/${e(versionId)}/comments`, b),
  resolveComment: (id: string, b: In<typeof S.ResolveInput>) =>
    patch<Out<typeof S.resolveComment>>(`/api/comments/${e(id)}`, b),
  approvals: (versionId: string) =>
    get<Out<typeof S.listApprovals>>(`/api/versions/${e(versionId)}/approvals`),
  decide: (versionId: string, b: In<typeof S.DecideInput>) =>
    post<Out<typeof S.decideVersion>>(`/api/versions/${e(versionId)}/approvals`, b),
  takes: (songId: string) => get<Out<typeof S.listTakes>>(`/api/songs/${e(songId)}/takes`),
  createTake: (songId: string, b: In<typeof S.CreateTakeInput>) =>
    post<Out<typeof S.createTake>>(`/api/songs/${e(songId)}/takes`, b),
  decideTake: (id: string, b: In<typeof S.DecideTakeInput>) =>
    patch<Out<typeof S.decideTake>>(`/api/takes/${e(id)}`, b),
  credits: (songId: string) => get<Out<typeof S.getCredits>>(`/api/songs/${e(songId)}/credits`),
  setCredits: (songId: string, b: In<typeof S.SetCreditsInput>) =>
    put<Out<typeof S.setCredits>>(`/api/songs/${e(songId)}/credits`, b),
  delivery: (songId: string) => get<Out<typeof S.getChecklist>>(`/api/songs/${e(songId)}/delivery`),
  setDelivery: (songId: string, b: In<typeof S.SetDeliveryItemInput>) =>
    put<Out<typeof S.setDeliveryItem>>(`/api/songs/${e(songId)}/delivery`, b),
};

/** A song's mix session: the engine's session document and its version (optimistic concurrency). */
export type SongSession = Wire<Out<typeof S.getSongSession>>;

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

async function needRoute(name: keyof Awaited<ReturnType<typeof optionalRoutes>>): Promise<string> {
  const r = (await optionalRoutes())[name];
  if (!r) throw new ApiError(404, `this server has no ${name} route`, null);
  return r;
}

/**
 * Routes found in the server's OpenAPI document (see discovery.ts), so the app runs against servers with or
 * without them. Bodies and answers are typed by the studio's schemas and service functions. Each throws a
 * 404 ApiError when the server lacks the route.
 */
export const optional = {
  routes: optionalRoutes,
  session: async (songId: string) =>
    get<Out<typeof S.getSongSession>>(fill(await needRoute("session"), songId)),
  saveSession: async (songId: string, b: In<typeof S.PutSongSessionInput>) =>
    put<Out<typeof S.putSongSession>>(fill(await needRoute("session"), songId), b),
  render: async (songId: string, b: In<typeof S.StartRenderInput>) =>
    post<Out<typeof S.startRender>>(fill(await needRoute("render"), songId), b),
  master: async ({ versionId, ...b }: In<typeof S.StartMasterInput>) => {
    const r = await needRoute("master");
    // The version is a path parameter on this server; a server taking it in the body gets it there.
    const inPath = r.includes("{");
    return post<Out<typeof S.startMaster>>(inPath ? fill(r, versionId) : r, inPath ? b : { versionId, ...b });
  },
  report: async (versionId: string) =>
    get<Out<typeof S.getVersionReport>>(fill(await needRoute("report"), versionId)),
};

/** What the roles allow, mirrored from the studio's permission table for showing or hiding controls. */
export { allows, ROLES } from "@controlroom/studio/team/roles.ts";

/** Like `allows`, for actions this client's permission table may not know yet (then: not allowed). */
export function may(roles: readonly string[], action: string): boolean {
  const ok = (PERMISSIONS as Record<string, readonly string[] | undefined>)[action];
  return !!ok && roles.some((r) => ok.includes(r));
}
