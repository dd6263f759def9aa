/** One AudioContext for the page (browsers limit how many may exist), created on first use. */
let ctx: AudioContext | null = null;

export function audioContext(): AudioContext {
  ctx ??= new AudioContext({ latencyHint: "interactive" });
  if (ctx.state === "suspended") void ctx.resume();
  return ctx;
}

/** dB to linear gain. */
export const dbToGain = (db: number) => 10 ** (db / 20);

const cache = new Map<string, Promise<AudioBuffer>>();

/** Fetches and decodes a file once per URL. */
export function decodeUrl(url: string): Promise<AudioBuffer> {
  let p = cache.get(url);
  if (!p) {
    p = fetch(url, { credentials: "same-origin" })
      .then((r) => {
        if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
        return r.arrayBuffer();
      })
      .then((b) => audioContext().decodeAudioData(b));
    p.catch(() => cache.delete(url));
    cache.set(url, p);
  }
  return p;
}
