/**
 * The typed API client. Shapes come from the studio's own types and zod input schemas (imported as types
 * only, so nothing of the server ends up in the bundle); dates arrive as ISO strings, which `Wire` expresses.
 * Every URL the app uses is in this file, so a route change is a one-line fix.
 */
import type { User } from "@controlroom/studio/accounts/accounts.ts";
import type { AuditEntry } from "@controlroom/studio/audit/audit.ts";
import type { BudgetLine, BudgetSummary, BudgetTotals } from "@controlroom/studio/budget/budget.ts";
import type { Credit, DeliveryItem, SetCreditsInput } from "@controlroom/studio/credits/credits.ts";
import type { Job } from "@controlroom/studio/jobs/jobs.ts";
import type { Dashboard } from "@controlroom/studio/projects/dashboard.ts";
import type {
  CreateProjectInput,
  Member,
  Project,
  SetRolesInput,
} from "@controlroom/studio/projects/projects.ts";
import type { Workspace } from "@controlroom/studio/projects/workspaces.ts";
import type { Booking, CreateBookingInput } from "@controlroom/studio/schedule/bookings.ts";
import type { Section, SetArrangementInput } from "@controlroom/studio/songs/arrangement.ts";
import type { CreateSongInput, Song, SongDetail } from "@controlroom/studio/songs/songs.ts";
import type { CreateTakeInput, DecideTakeInput, Take } from "@controlroom/studio/takes/takes.ts";
import type { Task } from "@controlroom/studio/tasks/tasks.ts";
import type { Approval, DecideInput } from "@controlroom/studio/versions/approvals.ts";
import type { AddCommentInput, Comment } from "@controlroom/studio/versions/comments.ts";
import type { CreateVersionInput, MixVersion } from "@controlroom/studio/versions/mix-versions.ts";
import type { z } from "zod";

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

export const api = {
  register: (b: { email: string; name: string; password: string }) => post<User>("/api/auth/register", b),
  login: (b: { email: string; password: string }) => post<{ user: User }>("/api/auth/login", b),
  logout: () => post<unknown>("/api/auth/logout"),
  me: () => get<User>("/api/me"),

  workspaces: () => get<Workspace[]>("/api/workspaces"),
  createWorkspace: (name: string) => post<Workspace>("/api/workspaces", { name }),
  projects: (workspaceId: string) => get<Project[]>(`/api/workspaces/${e(workspaceId)}/projects`),
  createProject: (b: In<typeof CreateProjectInput>) => post<Project>("/api/projects", b),
  project: (id: string) => get<Project>(`/api/projects/${e(id)}`),
  dashboard: (id: string) => get<Dashboard>(`/api/projects/${e(id)}/dashboard`),
  team: (id: string) => get<Member[]>(`/api/projects/${e(id)}/team`),
  setRoles: (id: string, b: In<typeof SetRolesInput>) => put<Member[]>(`/api/projects/${e(id)}/team`, b),
  bookings: (id: string) => get<Booking[]>(`/api/projects/${e(id)}/bookings`),
  createBooking: (id: string, b: In<typeof CreateBookingInput>) =>
    post<Booking>(`/api/projects/${e(id)}/bookings`, b),
  budget: (id: string) => get<BudgetSummary>(`/api/projects/${e(id)}/budget`),
  tasks: (id: string) => get<Task[]>(`/api/projects/${e(id)}/tasks`),
  upload: (projectId: string, file: Blob, name: string) => {
    const fd = new FormData();
    fd.append("file", file, name);
    return post<StoredBlob>(`/api/projects/${e(projectId)}/uploads`, fd);
  },
  blobUrl: (sha256: string) => `/api/blobs/${e(sha256)}`,
  peaks: (sha256: string) => get<Peaks>(`/api/blobs/${e(sha256)}/peaks`),
  submitJob: (projectId: string, b: { kind: string; input: Record<string, unknown> }) =>
    post<Job>(`/api/projects/${e(projectId)}/jobs`, b),
  job: (id: string) => get<Job>(`/api/jobs/${e(id)}`),

  songs: (projectId: string) => get<Song[]>(`/api/projects/${e(projectId)}/songs`),
  createSong: (projectId: string, b: In<typeof CreateSongInput>) =>
    post<SongDetail>(`/api/projects/${e(projectId)}/songs`, b),
  song: (id: string) => get<SongDetail>(`/api/songs/${e(id)}`),
  setStatus: (id: string, b: { version: number; status: string }) =>
    post<SongDetail>(`/api/songs/${e(id)}/status`, b),
  arrangement: (id: string) => get<Section[]>(`/api/songs/${e(id)}/arrangement`),
  setArrangement: (id: string, b: In<typeof SetArrangementInput>) =>
    put<Section[]>(`/api/songs/${e(id)}/arrangement`, b),
  versions: (songId: string) => get<MixVersion[]>(`/api/songs/${e(songId)}/versions`),
  createVersion: (songId: string, b: In<typeof CreateVersionInput>) =>
    post<MixVersion>(`/api/songs/${e(songId)}/versions`, b),
  comments: (versionId: string) => get<Comment[]>(`/api/versions/${e(versionId)}/comments`),
  addComment: (versionId: string, b: In<typeof AddCommentInput>) =>
    post<Comment>(`/api/versions/${e(versionId)}/comments`, b),
  resolveComment: (id: string, b: { version: number; resolved: boolean }) =>
    post<Comment>(`/api/comments/${e(id)}/resolve`, b),
  approvals: (versionId: string) => get<Approval[]>(`/api/versions/${e(versionId)}/approvals`),
  decide: (versionId: string, b: In<typeof DecideInput>) =>
    post<Approval>(`/api/versions/${e(versionId)}/approvals`, b),
  takes: (songId: string) => get<Take[]>(`/api/songs/${e(songId)}/takes`),
  createTake: (songId: string, b: In<typeof CreateTakeInput>) =>
    post<Take>(`/api/songs/${e(songId)}/takes`, b),
  decideTake: (id: string, b: In<typeof DecideTakeInput>) => patch<Take>(`/api/takes/${e(id)}`, b),
  credits: (songId: string) => get<Credit[]>(`/api/songs/${e(songId)}/credits`),
  setCredits: (songId: string, b: In<typeof SetCreditsInput>) =>
    put<Credit[]>(`/api/songs/${e(songId)}/credits`, b),
  delivery: (songId: string) =>
    get<{ items: DeliveryItem[]; complete: boolean }>(`/api/songs/${e(songId)}/delivery`),
  setDelivery: (songId: string, b: { item: string; done: boolean }) =>
    put<{ items: DeliveryItem[]; complete: boolean }>(`/api/songs/${e(songId)}/delivery`, b),
  songTasks: (songId: string) => get<Task[]>(`/api/songs/${e(songId)}/tasks`),
};

/** What the roles allow, mirrored from the studio's permission table for showing or hiding controls. */
export { allows, ROLES } from "@controlroom/studio/team/roles.ts";
