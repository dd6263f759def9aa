/** Every studio route: URL, schemas, and the service function it calls. */
import * as S from "@controlroom/studio";
import type { FastifyReply } from "fastify";
import { z } from "zod";
import { id, type Routes, SESSION_COOKIE, tokenOf } from "./route.ts";

const P = id("projectId");
const Song = id("songId");
const W = id("workspaceId");

/** Route settings. */
export interface RouteOptions {
  uploadLimitBytes?: number;
  loginPerMinute: number;
  secureCookies: boolean;
}

/** Registers all studio routes. */
export function registerStudioRoutes(r: Routes, o: RouteOptions): void {
  // Accounts and sessions.
  r.add({
    method: "POST",
    url: "/api/auth/register",
    summary: "Create an account",
    tag: "accounts",
    auth: false,
    status: 201,
    body: S.RegisterInput,
    config: { rateLimit: { max: o.loginPerMinute, timeWindow: "1 minute" } },
    handler: async ({ studio, body }) => S.register(studio, body),
  });
  const LoginBody = S.LoginInput.extend({
    kind: z.enum(["cookie", "token"]).default("cookie"),
    label: z.string().max(200).optional(),
  });
  r.add({
    method: "POST",
    url: "/api/auth/login",
    summary: "Sign in: sets an http-only session cookie, or returns a bearer token for scripts (kind: token)",
    tag: "accounts",
    auth: false,
    body: LoginBody,
    config: { rateLimit: { max: o.loginPerMinute, timeWindow: "1 minute" } },
    handler: async ({ studio, body, reply }) => {
      const b = S.parseInput(LoginBody, body);
      const { token, user, expiresAt } = await S.login(studio, b, b.kind, b.label ?? null);
      if (b.kind === "token") return { user, token, expiresAt };
      reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: "lax",
        secure: o.secureCookies,
        path: "/",
        expires: expiresAt,
      });
      return { user, expiresAt };
    },
  });
  r.add({
    method: "POST",
    url: "/api/auth/logout",
    summary: "End this session",
    tag: "accounts",
    handler: async ({ studio, req, reply }) => {
      await S.logout(studio, tokenOf(req) as string);
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return { ok: true };
    },
  });
  r.add({
    method: "GET",
    url: "/api/me",
    summary: "The signed-in user",
    tag: "accounts",
    handler: async ({ studio, actor }) => S.me(studio, actor),
  });

  // Workspaces, rooms, projects.
  r.add({
    method: "GET",
    url: "/api/workspaces",
    summary: "Your workspaces",
    tag: "workspaces",
    handler: async ({ studio, actor }) => S.listWorkspaces(studio, actor),
  });
  r.add({
    method: "POST",
    url: "/api/workspaces",
    summary: "Create a workspace",
    tag: "workspaces",
    status: 201,
    body: S.CreateWorkspaceInput,
    handler: async ({ studio, actor, body }) => S.createWorkspace(studio, actor, body),
  });
  r.add({
    method: "POST",
    url: "/api/workspaces/{workspaceId}/members",
    summary: "Add an account to a workspace (owners)",
    tag: "workspaces",
    params: W,
    body: S.AddWorkspaceMemberInput,
    handler: async ({ studio, actor, params, body }) =>
      S.addWorkspaceMember(studio, actor, params.workspaceId, body),
  });
  r.add({
    method: "GET",
    url: "/api/workspaces/{workspaceId}/rooms",
    summary: "Rooms and studios",
    tag: "schedule",
    params: W,
    handler: async ({ studio, actor, params }) => S.listRooms(studio, actor, params.workspaceId),
  });
  r.add({
    method: "POST",
    url: "/api/workspaces/{workspaceId}/rooms",
    summary: "Add a room with its rate and cancellation policy (owners)",
    tag: "schedule",
    status: 201,
    params: W,
    body: S.CreateRoomInput,
    handler: async ({ studio, actor, params, body }) => S.createRoom(studio, actor, params.workspaceId, body),
  });
  r.add({
    method: "GET",
    url: "/api/workspaces/{workspaceId}/projects",
    summary: "Projects you are on",
    tag: "projects",
    params: W,
    handler: async ({ studio, actor, params }) => S.listProjects(studio, actor, params.workspaceId),
  });
  r.add({
    method: "POST",
    url: "/api/workspaces/{workspaceId}/projects",
    summary: "Create a project (album, EP, single); you become its producer",
    tag: "projects",
    status: 201,
    params: W,
    body: S.CreateProjectInput.omit({ workspaceId: true }),
    handler: async ({ studio, actor, params, body }) =>
      S.createProject(studio, actor, { ...(body as object), workspaceId: params.workspaceId }),
  });
  r.add({
    method: "GET",
    url: "/api/projects/{projectId}",
    summary: "A project",
    tag: "projects",
    params: P,
    handler: async ({ studio, actor, params }) => S.getProject(studio, actor, params.projectId),
  });
  r.add({
    method: "PATCH",
    url: "/api/projects/{projectId}",
    summary: "Edit a project (producers; give the version you edited)",
    tag: "projects",
    params: P,
    body: S.UpdateProjectInput,
    handler: async ({ studio, actor, params, body }) =>
      S.updateProject(studio, actor, params.projectId, body),
  });
  r.add({
    method: "GET",
    url: "/api/projects/{projectId}/dashboard",
    summary: "The project dashboard",
    tag: "projects",
    params: P,
    query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
    handler: async ({ studio, actor, params, query }) =>
      S.getDashboard(studio, actor, params.projectId, query.limit),
  });
  r.add({
    method: "GET",
    url: "/api/projects/{projectId}/team",
    summary: "The team with roles",
    tag: "team",
    params: P,
    handler: async ({ studio, actor, params }) => S.listTeam(studio, actor, params.projectId),
  });
  r.add({
    method: "PUT",
    url: "/api/projects/{projectId}/team",
    summary: "Set one person's roles (producers; empty removes them)",
    tag: "team",
    params: P,
    body: S.SetRolesInput,
    handler: async ({ studio, actor, params, body }) =>
      S.setMemberRoles(studio, actor, params.projectId, body),
  });
  r.add({
    method: "GET",
    url: "/api/projects/{projectId}/audit",
    summary: "Audit log of decisions (producers, label)",
    tag: "projects",
    params: P,
    query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
    handler: async ({ studio, actor, params, query }) =>
      S.listAudit(studio, actor, params.projectId, query.limit),
  });

  // Songs, arrangement, recordings, performers.
  r.add({
    method: "GET",
    url: "/api/projects/{projectId}/songs",
    summary: "Songs in running order",
    tag: "songs",
    params: P,
    query: S.ListSongsQuery,
    handler: async ({ studio, actor, params, req }) =>
      S.listSongs(studio, actor, params.projectId, req.query),
  });
  r.add({
    method: "POST",
    url: "/api/projects/{projectId}/songs",
    summary: "Add a song (producers)",
    tag: "songs",
    status: 201,
    params: P,
    body: S.CreateSongInput,
    handler: async ({ studio, actor, params, body }) => S.createSong(studio, actor, params.projectId, body),
  });
  r.add({
    method: "GET",
    url: "/api/songs/{songId}",
    summary: "A song with its status history",
    tag: "songs",
    params: Song,
    handler: async ({ studio, actor, params }) => S.getSong(studio, actor, params.songId),
  });
  r.add({
    method: "PATCH",
    url: "/api/songs/{songId}",
    summary: "Edit a song (producer, artist)",
    tag: "songs",
    params: Song,
    body: S.UpdateSongInput,
    handler: async ({ studio, actor, params, body }) => S.updateSong(studio, actor, params.songId, body),
  });
  r.add({
    method: "POST",
    url: "/api/songs/{songId}/status",
    summary: "Move a song along the pipeline",
    tag: "songs",
    params: Song,
    body: S.SetStatusInput,
    handler: async ({ studio, actor, params, body }) => S.setSongStatus(studio, actor, params.songId, body),
  });
  r.add({
    method: "PUT",
    url: "/api/songs/{songId}/performers",
    summary: "Who plays on the song",
    tag: "songs",
    params: Song,
    body: S.SetPerformersInput,
    handler: async ({ studio, actor, params, body }) => S.setPerformers(studio, actor, params.songId, body),
  });
  r.add({
    method: "GET",
    url: "/api/songs/{songId}/arrangement",
    summary: "Sections in order",
    tag: "songs",
    params: Song,
    handler: async ({ studio, actor, params }) => S.getArrangement(studio, actor, params.songId),
  });
  r.add({
    method: "PUT",
    url: "/api/songs/{songId}/arrangement",
    summary: "Replace the arrangement",
    tag: "songs",
    params: Song,
    body: S.SetArrangementInput,
    handler: async ({ studio, actor, params, body }) => S.setArrangement(studio, actor, params.songId, body),
  });
  r.add({
    method: "GET",
    url: "/api/songs/{songId}/recordings",
    summary: "Recordings of the song",
    tag: "songs",
    params: Song,
    handler: async ({ studio, actor, params }) => S.listRecordings(studio, actor, params.songId),
  });
  r.add({
    method: "POST",
    url: "/api/songs/{songId}/recordings",
    summary: "Add a recording (ISRC optional)",
    tag: "songs",
    status: 201,
    params: Song,
    body: S.CreateRecordingInput,
    handler: async ({ studio, actor, params, body }) => S.createRecording(studio, actor, params.songId, body),
  });
  r.add({
    method: "PATCH",
    url: "/api/recordings/{recordingId}",
    summary: "Edit a recording: title, ISRC, status",
    tag: "songs",
    params: id("recordingId"),
    body: S.UpdateRecordingInput,
    handler: async ({ studio, actor, params, body }) =>
      S.updateRecording(studio, actor, params.recordingId, body),
  });

  // Takes and tasks.
  r.add({
    method: "GET",
    url: "/api/songs/{songId}/takes",
    summary: "Takes by part",
    tag: "takes",
    params: Song,
    handler: async ({ studio, actor, params }) => S.listTakes(studio, actor, params.songId),
  });
  r.add({
    method: "POST",
    url: "/api/songs/{songId}/takes",
    summary: "Log a take",
    tag: "takes",
    status: 201,
    params: Song,
    body: S.CreateTakeInput,
    handler: async ({ studio, actor, params, body }) => S.createTake(studio, actor, params.songId, body),
  });
  r.add({
    method: "PATCH",
    url: "/api/takes/{takeId}",
    summary: "Rate, note and decide on a take (producers)",
    tag: "takes",
    params: id("takeId"),
    body: S.DecideTakeInput,
    handler: async ({ studio, actor, params, body }) => S.decideTake(studio, actor, params.takeId, body),
  });
  r.add({
    method: "GET",
    url: "/api/projects/{projectId}/tasks",
    summary: "Overdubs and tasks",
    tag: "tasks",
    params: P,
    query: S.ListTasksQuery,
    handler: async ({ studio, actor, params, req }) =>
      S.listTasks(studio, actor, params.projectId, req.query),
  });
  r.add({
    method: "POST",
    url: "/api/songs/{songId}/tasks",
    summary: "Add a task or overdub to a song (section optional)",
    tag: "tasks",
    status: 201,
    params: Song,
    body: S.CreateTaskInput,
    handler: async ({ studio, actor, params, body }) => S.createTask(studio, actor, params.songId, body),
  });
  r.add({
    method: "PATCH",
    url: "/api/tasks/{taskId}",
    summary: "Tick a task off or reopen it",
    tag: "tasks",
    params: id("taskId"),
    body: S.CompleteTaskInput,
    handler: async ({ studio, actor, params, body }) => S.completeTask(studio, actor, params.taskId, body),
  });

  // Versions, comments, approvals.
  r.add({
    method: "GET",
    url: "/api/songs/{songId}/versions",
    summary: "Mix and master versions, newest first, with A/B match gains",
    tag: "versions",
    params: Song,
    handler: async ({ studio, actor, params }) => S.listVersions(studio, actor, params.songId),
  });
  r.add({
    method: "POST",
    url: "/api/songs/{songId}/versions",
    summary: "Add a mix or master version (upload its file first)",
    tag: "versions",
    status: 201,
    params: Song,
    body: S.CreateVersionInput,
    handler: async ({ studio, actor, params, body }) => S.createVersion(studio, actor, params.songId, body),
  });
  const V = id("versionId");
  r.add({
    method: "GET",
    url: "/api/versions/{versionId}/comments",
    summary: "Comment threads in time order",
    tag: "versions",
    params: V,
    handler: async ({ studio, actor, params }) => S.listComments(studio, actor, params.versionId),
  });
  r.add({
    method: "POST",
    url: "/api/versions/{versionId}/comments",
    summary: "Comment at a time or over a range, or reply",
    tag: "versions",
    status: 201,
    params: V,
    body: S.AddCommentInput,
    handler: async ({ studio, actor, params, body }) => S.addComment(studio, actor, params.versionId, body),
  });
  r.add({
    method: "PATCH",
    url: "/api/comments/{commentId}",
    summary: "Resolve or reopen a comment",
    tag: "versions",
    params: id("commentId"),
    body: S.ResolveInput,
    handler: async ({ studio, actor, params, body }) =>
      S.resolveComment(studio, actor, params.commentId, body),
  });
  r.add({
    method: "GET",
    url: "/api/versions/{versionId}/approvals",
    summary: "Approval history",
    tag: "versions",
    params: V,
    handler: async ({ studio, actor, params }) => S.listApprovals(studio, actor, params.versionId),
  });
  r.add({
    method: "POST",
    url: "/api/versions/{versionId}/approvals",
    summary: "Approve, request changes or put back in review (producers)",
    tag: "versions",
    status: 201,
    params: V,
    body: S.DecideInput,
    handler: async ({ studio, actor, params, body }) =>
      S.decideVersion(studio, actor, params.versionId, body),
  });

  // Schedule and budget.
  r.add({
    method: "GET",
    url: "/api/projects/{projectId}/bookings",
    summary: "Bookings in time order",
    tag: "schedule",
    params: P,
    query: S.ListBookingsQuery,
    handler: async ({ studio, actor, params, req }) =>
      S.listBookings(studio, actor, params.projectId, req.query),
  });
  r.add({
    method: "POST",
    url: "/api/projects/{projectId}/bookings",
    summary: "Book a room and/or people (409 names a conflicting booking)",
    tag: "schedule",
    status: 201,
    params: P,
    body: S.CreateBookingInput,
    handler: async ({ studio, actor, params, body }) =>
      S.createBooking(studio, actor, params.projectId, body),
  });
  const B = id("bookingId");
  r.add({
    method: "POST",
    url: "/api/bookings/{bookingId}/confirm",
    summary: "Confirm a hold (its cost flows into the budget)",
    tag: "schedule",
    params: B,
    body: S.BookingVersionInput,
    handler: async ({ studio, actor, params, body }) =>
      S.confirmBooking(studio, actor, params.bookingId, body),
  });
  r.add({
    method: "POST",
    url: "/api/bookings/{bookingId}/cancel",
    summary: "Cancel under the room's policy",
    tag: "schedule",
    params: B,
    body: S.BookingVersionInput,
    handler: async ({ studio, actor, params, body }) =>
      S.cancelBooking(studio, actor, params.bookingId, body),
  });
  r.add({
    method: "GET",
    url: "/api/projects/{projectId}/budget",
    summary: "Planned vs actual with overspend warnings",
    tag: "budget",
    params: P,
    handler: async ({ studio, actor, params }) => S.budgetSummary(studio, actor, params.projectId),
  });
  r.add({
    method: "POST",
    url: "/api/projects/{projectId}/budget/lines",
    summary: "Add a planned line item",
    tag: "budget",
    status: 201,
    params: P,
    body: S.CreateLineInput,
    handler: async ({ studio, actor, params, body }) =>
      S.createBudgetLine(studio, actor, params.projectId, body),
  });
  r.add({
    method: "PATCH",
    url: "/api/budget/lines/{lineId}",
    summary: "Edit a planned line item",
    tag: "budget",
    params: id("lineId"),
    body: S.UpdateLineInput,
    handler: async ({ studio, actor, params, body }) =>
      S.updateBudgetLine(studio, actor, params.lineId, body),
  });
  r.add({
    method: "POST",
    url: "/api/projects/{projectId}/budget/invoices",
    summary: "Record an invoice as an actual",
    tag: "budget",
    status: 201,
    params: P,
    body: S.AddInvoiceInput,
    handler: async ({ studio, actor, params, body }) => S.addInvoice(studio, actor, params.projectId, body),
  });

  // Credits and delivery.
  r.add({
    method: "GET",
    url: "/api/songs/{songId}/credits",
    summary: "Credits and splits",
    tag: "credits",
    params: Song,
    handler: async ({ studio, actor, params }) => S.getCredits(studio, actor, params.songId),
  });
  r.add({
    method: "PUT",
    url: "/api/songs/{songId}/credits",
    summary: "Replace credits (writer and publisher shares each sum to 100 %)",
    tag: "credits",
    params: Song,
    body: S.SetCreditsInput,
    handler: async ({ studio, actor, params, body }) => S.setCredits(studio, actor, params.songId, body),
  });
  r.add({
    method: "GET",
    url: "/api/songs/{songId}/delivery",
    summary: "Delivery checklist",
    tag: "credits",
    params: Song,
    handler: async ({ studio, actor, params }) => S.getChecklist(studio, actor, params.songId),
  });
  r.add({
    method: "PUT",
    url: "/api/songs/{songId}/delivery",
    summary: "Tick a delivery item",
    tag: "credits",
    params: Song,
    body: S.SetDeliveryItemInput,
    handler: async ({ studio, actor, params, body }) => S.setDeliveryItem(studio, actor, params.songId, body),
  });

  // Files and jobs.
  r.add({
    method: "POST",
    url: "/api/projects/{projectId}/uploads",
    summary: "Upload an audio file (multipart field `file`; WAV, AIFF, FLAC, Ogg, MP3 by content)",
    tag: "files",
    status: 201,
    params: P,
    multipart: true,
    handler: async ({ studio, actor, params, req }) => {
      if (!req.isMultipart()) throw S.invalid("file", "send multipart/form-data with a `file` field");
      const part = await req.file();
      if (!part) throw S.invalid("file", "missing");
      return S.uploadAudio(studio, actor, params.projectId, part.file, { maxBytes: o.uploadLimitBytes });
    },
  });
  const BlobParams = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/, "must be a sha256 hex digest") });
  /** The headers a download of this blob has (its type, ranges, caching). */
  const blobHeaders = (reply: FastifyReply, format: string) => {
    const type =
      { wav: "audio/wav", aiff: "audio/aiff", flac: "audio/flac", ogg: "audio/ogg", mp3: "audio/mpeg" }[
        format
      ] ?? "application/octet-stream";
    reply
      .header("content-type", type)
      .header("accept-ranges", "bytes")
      .header("cache-control", "private, max-age=31536000, immutable");
  };
  // Declared before the GET so Fastify does not derive a HEAD from it (that one would read the whole file).
  r.add({
    method: "HEAD",
    url: "/api/blobs/{sha256}",
    summary: "A stored audio file's headers (length, type, ranges) without its bytes",
    tag: "files",
    params: BlobParams,
    handler: async ({ studio, actor, params, reply }) => {
      const b = await S.authorizeBlob(studio, actor, params.sha256);
      blobHeaders(reply, b.format);
      reply.header("content-length", b.size);
      return reply.send();
    },
  });
  r.add({
    method: "GET",
    url: "/api/blobs/{sha256}/peaks",
    summary:
      "Waveform peaks of a stored audio file: {duration, peaks} with per channel [min, max] of each bucket flattened (computed once, then cached)",
    tag: "files",
    params: BlobParams,
    query: z.object({
      buckets: z.coerce
        .number()
        .int()
        .min(S.PEAK_BUCKETS_RANGE.min)
        .max(S.PEAK_BUCKETS_RANGE.max)
        .default(S.DEFAULT_PEAK_BUCKETS),
    }),
    handler: async ({ studio, actor, params, query, reply }) => {
      const p = await S.blobPeaks(studio, actor, params.sha256, query.buckets);
      reply.header("cache-control", "private, max-age=31536000, immutable");
      return p;
    },
  });
  r.add({
    method: "GET",
    url: "/api/blobs/{sha256}",
    summary: "Download a stored audio file",
    tag: "files",
    params: BlobParams,
    handler: async ({ studio, actor, params, req, reply }) => {
      const b = await S.authorizeBlob(studio, actor, params.sha256);
      const blobs = studio.blobs as S.BlobStore;
      blobHeaders(reply, b.format);
      // One byte range (players seek with these): "bytes=a-b", "bytes=a-" or "bytes=-n".
      const m = /^bytes=(\d*)-(\d*)$/.exec(String(req.headers.range ?? ""));
      if (m && (m[1] || m[2])) {
        const start = m[1] ? Number(m[1]) : Math.max(0, b.size - Number(m[2]));
        const end = m[1] && m[2] ? Math.min(Number(m[2]), b.size - 1) : b.size - 1;
        if (start > end || start >= b.size) {
          reply.code(416).header("content-range", `bytes */${b.size}`).type("application/json");
          return reply.send({ error: "range", message: `range: outside the file's ${b.size} bytes` });
        }
        reply
          .code(206)
          .header("content-range", `bytes ${start}-${end}/${b.size}`)
          .header("content-length", end - start + 1);
        return reply.send(await blobs.open(params.sha256, { start, end }));
      }
      reply.header("content-length", b.size);
      return reply.send(await blobs.open(params.sha256));
    },
  });
  r.add({
    method: "POST",
    url: "/api/projects/{projectId}/jobs",
    summary: "Submit a job (analyze a version's file)",
    tag: "jobs",
    status: 202,
    params: P,
    body: S.SubmitJobInput,
    handler: async ({ studio, actor, params, body }) => S.submitJob(studio, actor, params.projectId, body),
  });
  r.add({
    method: "GET",
    url: "/api/jobs/{jobId}",
    summary: "Job status, progress and result",
    tag: "jobs",
    params: id("jobId"),
    handler: async ({ studio, actor, params }) => S.getJob(studio, actor, params.jobId),
  });
  r.add({
    method: "POST",
    url: "/api/jobs/{jobId}/cancel",
    summary: "Cancel a job",
    tag: "jobs",
    params: id("jobId"),
    handler: async ({ studio, actor, params }) => S.cancelJob(studio, actor, params.jobId),
  });

  // Sessions, renders and mastering (jobs whose results become new versions).
  r.add({
    method: "GET",
    url: "/api/songs/{songId}/session",
    summary: "The song's mix session (engine session document; audio referenced by uploaded blobs' sha256)",
    tag: "renders",
    params: Song,
    handler: async ({ studio, actor, params }) => S.getSongSession(studio, actor, params.songId),
  });
  r.add({
    method: "PUT",
    url: "/api/songs/{songId}/session",
    summary: "Save the song's mix session (give the version you edited, 0 for the first; 409 when stale)",
    tag: "renders",
    params: Song,
    body: S.PutSongSessionInput,
    handler: async ({ studio, actor, params, body }) => S.putSongSession(studio, actor, params.songId, body),
  });
  r.add({
    method: "POST",
    url: "/api/songs/{songId}/renders",
    summary: "Render the song's session into a new mix version (a job: poll GET /api/jobs/{jobId})",
    tag: "renders",
    status: 202,
    params: Song,
    body: S.StartRenderInput,
    handler: async ({ studio, actor, params, body }) => S.startRender(studio, actor, params.songId, body),
  });
  r.add({
    method: "GET",
    url: "/api/jobs/{jobId}/stems",
    summary: "Download the stems zip of a finished render job (rendered with stems: true)",
    tag: "renders",
    params: id("jobId"),
    handler: async ({ studio, actor, params, reply }) => {
      const st = await S.renderStems(studio, actor, params.jobId);
      const blobs = studio.blobs as S.BlobStore;
      reply
        .header("content-type", "application/zip")
        .header("content-length", st.size)
        .header("content-disposition", `attachment; filename="stems-${params.jobId}.zip"`);
      return reply.send(await blobs.open(st.sha256));
    },
  });
  r.add({
    method: "POST",
    url: "/api/versions/{versionId}/master",
    summary: "Master a mix version to a delivery target into a new master version (a job)",
    tag: "renders",
    status: 202,
    params: V,
    body: S.StartMasterBody,
    handler: async ({ studio, actor, params, body }) =>
      S.startMaster(studio, actor, { ...(body as object), versionId: params.versionId }),
  });
  r.add({
    method: "GET",
    url: "/api/versions/{versionId}/report",
    summary:
      "The render or mastering report of a version made by a job (loudness before/after, true peak, QC)",
    tag: "renders",
    params: V,
    handler: async ({ studio, actor, params }) => S.getVersionReport(studio, actor, params.versionId),
  });
}
