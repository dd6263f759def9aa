/**
 * @controlroom/studio — the producer's studio: domain services over a Kysely store (PGlite or PostgreSQL),
 * a content-addressed blob store and jobs. Every service function takes the open studio, the acting user
 * and the input (validated with the exported zod schemas), enforces the actor's roles, and throws
 * StudioError (with an HTTP status) on refusal.
 */
export * from "./accounts/accounts.ts";
export * from "./accounts/login-limit.ts";
export * from "./audit/audit.ts";
export * from "./blobs/blob-store.ts";
export * from "./blobs/blob-sweep.ts";
export * from "./blobs/peaks.ts";
export * from "./blobs/sniff.ts";
export * from "./blobs/uploads.ts";
export * from "./budget/budget.ts";
export * from "./budget/money.ts";
export * from "./context.ts";
export * from "./credits/codes.ts";
export * from "./credits/credits.ts";
export * from "./errors.ts";
export * from "./jobs/in-process-queue.ts";
export * from "./jobs/jobs.ts";
export * from "./jobs/kinds/analyze.ts";
export * from "./jobs/kinds/master.ts";
export * from "./jobs/kinds/render.ts";
export * from "./jobs/kinds/repair.ts";
export * from "./jobs/kinds/sound-note.ts";
export * from "./jobs/kinds/sound-note-render.ts";
export * from "./jobs/kinds/wait.ts";
export * from "./jobs/pg-boss-queue.ts";
export * from "./jobs/queue.ts";
export * from "./jobs/queue-job.ts";
export * from "./open-studio.ts";
export * from "./projects/dashboard.ts";
export * from "./projects/projects.ts";
export * from "./projects/workspaces.ts";
export * from "./renders/render-stems.ts";
export * from "./renders/song-session.ts";
export * from "./schedule/bookings.ts";
export * from "./schedule/rooms.ts";
export * from "./songs/arrangement.ts";
export * from "./songs/pipeline.ts";
export * from "./songs/recordings.ts";
export * from "./songs/session-sync.ts";
export * from "./songs/songs.ts";
export * from "./store/store.ts";
export * from "./takes/take-problems.ts";
export * from "./takes/take-repair-report.ts";
export * from "./takes/takes.ts";
export * from "./tasks/tasks.ts";
export * from "./team/access.ts";
export * from "./team/invitations.ts";
export * from "./team/roles.ts";
export * from "./versions/approvals.ts";
export * from "./versions/comments.ts";
export * from "./versions/mix-versions.ts";
export * from "./versions/sound-notes.ts";
export * from "./versions/version-reports.ts";
