/** A song's mix session, and rendering it on the server into a new mix version (a job), with its stems. */
import * as S from "@controlroom/studio";
import { Job, SongSession } from "../responses.ts";
import { route } from "../route.ts";

export const renderRoutes = [
  route("GET /api/songs/{songId}/session", {
    summary: "The song's mix session (engine session document; audio referenced by uploaded blobs' sha256)",
    tag: "renders",
    response: SongSession,
    handler: async ({ studio, actor, params }) => S.getSongSession(studio, actor, params.songId),
  }),
  route("PUT /api/songs/{songId}/session", {
    summary: "Save the song's mix session (give the version you edited, 0 for the first; 409 when stale)",
    tag: "renders",
    body: S.PutSongSessionInput,
    response: SongSession,
    handler: async ({ studio, actor, params, body }) => S.putSongSession(studio, actor, params.songId, body),
  }),
  route("POST /api/songs/{songId}/renders", {
    summary: "Render the song's session into a new mix version (a job: poll GET /api/jobs/{jobId})",
    tag: "renders",
    status: 202,
    body: S.StartRenderInput,
    response: Job,
    handler: async ({ studio, actor, params, body }) => S.startRender(studio, actor, params.songId, body),
  }),
  route("GET /api/jobs/{jobId}/stems", {
    summary: "Download the stems zip of a finished render job (rendered with stems: true)",
    tag: "renders",
    response: { file: ["application/zip"], headers: { "content-disposition": "attachment; filename" } },
    handler: async ({ studio, actor, params, reply }) => {
      const st = await S.renderStems(studio, actor, params.jobId);
      const blobs = studio.blobs as S.BlobStore;
      reply
        .header("content-type", "application/zip")
        .header("content-length", st.size)
        .header("content-disposition", `attachment; filename="stems-${params.jobId}.zip"`);
      return reply.send(await blobs.open(st.sha256));
    },
  }),
];
