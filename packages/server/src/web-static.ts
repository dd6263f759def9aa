/**
 * Serves the built web app (packages/web/dist) from the API server: files by path, and index.html for every
 * other non-API path so the app's own router can show it (a reload on /songs/… works). API paths that no
 * route answered get a JSON 404, never the page.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";

/** Where `npm run build -w packages/web` puts the app. */
export const WEB_DIST = resolve(fileURLToPath(new URL(".", import.meta.url)), "../../web/dist");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

async function fileAt(root: string, urlPath: string): Promise<{ path: string; size: number } | null> {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath.split("?")[0]);
  } catch {
    return null;
  }
  const path = normalize(join(root, rel));
  // Never outside the app folder (../ tricks).
  if (path !== root && !path.startsWith(root + sep)) return null;
  try {
    const s = await stat(path);
    return s.isFile() ? { path, size: s.size } : null;
  } catch {
    return null;
  }
}

/**
 * Adds the web app's routes to `app`: `GET /*` for files under `root` with the SPA fallback to index.html.
 * Register it after the API routes (Fastify prefers the more specific routes whatever the order).
 * @param root the built app folder; default packages/web/dist.
 * @returns false (and adds nothing) when the folder has no index.html — build it with
 *   `npm run build -w packages/web`.
 */
export async function serveWebApp(app: FastifyInstance, root: string = WEB_DIST): Promise<boolean> {
  const dir = resolve(root);
  const index = await fileAt(dir, "/index.html");
  if (!index) return false;
  app.route({
    method: ["GET", "HEAD"],
    url: "/*",
    handler: async (req, reply) => {
      const url = req.url.split("?")[0];
      if (url === "/api" || url.startsWith("/api/"))
        return reply.code(404).send({ error: "not_found", message: `no route ${req.method} ${url}` });
      const file = (url !== "/" && (await fileAt(dir, url))) || null;
      // Paths with an extension that do not exist are missing files (a stale asset), not app pages.
      if (!file && extname(url)) return reply.code(404).type("text/plain").send(`${url} not found`);
      const f = file ?? ((await fileAt(dir, "/index.html")) as { path: string; size: number });
      const type = TYPES[extname(f.path)] ?? "application/octet-stream";
      // Hashed assets never change; the page itself must be revalidated so a new build is picked up.
      const immutable = file !== null && url.startsWith("/assets/");
      reply
        .type(type)
        .header("content-length", f.size)
        .header("cache-control", immutable ? "public, max-age=31536000, immutable" : "no-cache")
        .header("x-content-type-options", "nosniff");
      if (req.method === "HEAD") return reply.send();
      return reply.send(createReadStream(f.path));
    },
  });
  return true;
}
