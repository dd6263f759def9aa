/**
 * Finds optional server routes in the server's OpenAPI document (generated from its zod schemas), by what
 * they accept rather than by a guessed URL: the song session, server-side render and mastering jobs,
 * version reports and precomputed peaks. The app offers those features only when the server has them.
 */

interface Operation {
  summary?: string;
  requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> };
}
type Paths = Record<string, Record<string, Operation>>;

let doc: Promise<Paths> | null = null;

function paths(): Promise<Paths> {
  doc ??= fetch("/api/openapi.json", { credentials: "same-origin" })
    .then((r) => (r.ok ? r.json() : { paths: {} }))
    .then((d: { paths?: Paths }) => d.paths ?? {})
    .catch(() => ({}));
  return doc;
}

function bodyProps(op: Operation): string[] {
  const c = op.requestBody?.content?.["application/json"]?.schema?.properties;
  return c ? Object.keys(c) : [];
}

/** Optional routes, as path templates such as `/api/songs/{songId}/session` (null when absent). */
export interface OptionalRoutes {
  /** GET and PUT a song's session document. */
  session: string | null;
  /** POST: render the song's session as a job (body: sessionVersion, label, bits, stems…). */
  render: string | null;
  /** POST: master a mix version as a job (body: target…; the version in the path or the body). */
  master: string | null;
  /** GET: the report a render or master job left on a version. */
  report: string | null;
  /** GET: precomputed waveform peaks of a blob. */
  peaks: string | null;
}

let found: Promise<OptionalRoutes> | null = null;

/** The optional routes this server has (looked up once). */
export function optionalRoutes(): Promise<OptionalRoutes> {
  found ??= paths().then((p) => {
    const entries = Object.entries(p);
    const find = (method: string, test: (path: string, op: Operation) => boolean) =>
      entries.find(([path, ops]) => ops[method] && test(path, ops[method]))?.[0] ?? null;
    return {
      session: find("put", (path) => /^\/api\/songs\/\{\w+\}\/session$/.test(path)),
      render: find(
        "post",
        (path, op) =>
          path.startsWith("/api/songs/{") && /render/.test(path) && bodyProps(op).includes("bits"),
      ),
      master: find("post", (path, op) => /master/.test(path) && bodyProps(op).includes("target")),
      report: find("get", (path) => /^\/api\/versions\/\{\w+\}\/report$/.test(path)),
      peaks: find("get", (path) => /^\/api\/blobs\/\{\w+\}\/peaks$/.test(path)),
    };
  });
  return found;
}

/** Fills a path template's `{name}` parts, in order, with `values`. */
export function fill(template: string, ...values: string[]): string {
  let i = 0;
  return template.replace(/\{\w+\}/g, () => encodeURIComponent(values[i++] ?? ""));
}
