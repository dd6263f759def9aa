/** Audio files: uploads into the content-addressed store, downloads (with byte ranges), waveform peaks. */
import * as S from "@controlroom/studio";
import type { FastifyReply } from "fastify";
import { z } from "zod";
import { Peaks, StoredBlob } from "../responses.ts";
import { type FileResponse, route } from "../route.ts";

const BlobParams = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/, "must be a sha256 hex digest") });

const AUDIO_TYPES: Record<string, string> = {
  wav: "audio/wav",
  aiff: "audio/aiff",
  flac: "audio/flac",
  ogg: "audio/ogg",
  mp3: "audio/mpeg",
};

/** A stored audio file, as downloads describe it. */
const AudioFile: FileResponse = {
  file: [...Object.values(AUDIO_TYPES), "application/octet-stream"],
  headers: {
    "content-length": "bytes (of the range, for 206)",
    "accept-ranges": "bytes",
    "content-range": "with 206: bytes first-last/size",
  },
};

/** The headers a download of this blob has (its type, ranges, caching). */
function blobHeaders(reply: FastifyReply, format: string): void {
  reply
    .header("content-type", AUDIO_TYPES[format] ?? "application/octet-stream")
    .header("accept-ranges", "bytes")
    .header("cache-control", "private, max-age=31536000, immutable");
}

export const blobRoutes = [
  route("POST /api/projects/{projectId}/uploads", {
    summary: "Upload an audio file (multipart field `file`; WAV, AIFF, FLAC, Ogg, MP3 by content)",
    tag: "files",
    status: 201,
    multipart: true,
    response: StoredBlob,
    handler: async ({ studio, actor, params, req, options }) => {
      if (!req.isMultipart()) throw S.invalid("file", "send multipart/form-data with a `file` field");
      const part = await req.file();
      if (!part) throw S.invalid("file", "missing");
      return S.uploadAudio(studio, actor, params.projectId, part.file, {
        maxBytes: options.uploadLimitBytes,
      });
    },
  }),
  // Declared before the GET so Fastify does not derive a HEAD from it (that one would read the whole file).
  route("HEAD /api/blobs/{sha256}", {
    summary: "A stored audio file's headers (length, type, ranges) without its bytes",
    tag: "files",
    params: BlobParams,
    response: AudioFile,
    handler: async ({ studio, actor, params, reply }) => {
      const b = await S.authorizeBlob(studio, actor, params.sha256);
      blobHeaders(reply, b.format);
      reply.header("content-length", b.size);
      return reply.send();
    },
  }),
  route("GET /api/blobs/{sha256}/peaks", {
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
    response: Peaks,
    handler: async ({ studio, actor, params, query, reply }) => {
      const p = await S.blobPeaks(studio, actor, params.sha256, query.buckets);
      reply.header("cache-control", "private, max-age=31536000, immutable");
      return p;
    },
  }),
  route("GET /api/blobs/{sha256}", {
    summary: "Download a stored audio file",
    tag: "files",
    params: BlobParams,
    response: AudioFile,
    alsoStatus: [206],
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
  }),
];
