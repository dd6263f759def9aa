/** Renders the mix offline in the browser, with progress, into a 24-bit stereo WAV to play and download. */
import { useState } from "react";
import type { TrackAudio, TrackParams } from "../audio/mix-graph.ts";
import { useAudio } from "../audio/services.tsx";
import { encodeWav } from "../audio/wav.ts";

/** A render under way (progress < 1) or done (with the file, its URL and its length in seconds). */
export interface BrowserRender {
  progress: number;
  blob?: Blob;
  url?: string;
  seconds?: number;
}

/** @param onError gets a failed render. */
export function useBrowserRender(
  audio: TrackAudio[] | null,
  params: TrackParams[],
  onError: (e: unknown) => void,
): { render: BrowserRender | null; start(): Promise<void> } {
  const { renderMix } = useAudio();
  const [render, setRender] = useState<BrowserRender | null>(null);
  async function start() {
    if (!audio) return;
    setRender({ progress: 0 });
    try {
      const out = await renderMix(audio, params, (f) => setRender((r) => ({ ...r, progress: f })));
      const blob = encodeWav([out.getChannelData(0), out.getChannelData(1)], out.sampleRate, 24);
      setRender({ progress: 1, blob, url: URL.createObjectURL(blob), seconds: out.duration });
    } catch (e) {
      setRender(null);
      onError(e);
    }
  }
  return { render, start };
}
