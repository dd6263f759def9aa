/**
 * The song's mix session on the server: loaded once the server's routes are known (null when the song has
 * none or the server has no session route), created from the song's stems, saved with the strips' settings
 * and the version it was based on (a stale save is refused by the server with a 409).
 */
import type { Session } from "@controlroom/engine/session/schema.ts";
import { useEffect, useRef, useState } from "react";
import { ApiError, api, optional, type SongSession, type Take, type Wire } from "../api.ts";
import type { TrackParams } from "../audio/mix-graph.ts";
import { probeAudio } from "../audio/probe.ts";
import { documentOf, type StemSource, sessionFromStems, withStripSettings } from "./session-doc.ts";

export interface MixSession {
  /** undefined while loading; null when the song has none (or the server no session route). */
  session: SongSession | null | undefined;
  /** Makes the song's first session from these takes (WAV or FLAC files). @returns its track count. */
  create(title: string, bpm: number | null, takes: Wire<Take>[]): Promise<number>;
  /**
   * Saves the strips' settings into the session (into `doc` when given: the session with its inserts and sends
   * as edited on the strips). @returns the saved session.
   */
  save(params: TrackParams[], doc?: Session): Promise<SongSession>;
}

/**
 * @param hasRoute whether the server offers the session route (undefined while its routes load).
 * @param onError gets a failure to load.
 */
export function useMixSession(
  songId: string,
  hasRoute: boolean | undefined,
  onError: (e: unknown) => void,
): MixSession {
  const [session, setSession] = useState<SongSession | null | undefined>(undefined);
  // Set once this page created or saved the session: a load answered after that is older than what it shows
  // (the Create button is there while the load is under way; its "none yet" must not hide the new session).
  const wrote = useRef(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: onError is the caller's setter
  useEffect(() => {
    if (hasRoute === undefined) return;
    wrote.current = false;
    if (!hasRoute) {
      setSession(null);
      return;
    }
    let current = true;
    optional.session(songId).then(
      (s) => {
        if (current && !wrote.current) setSession(s);
      },
      (e) => {
        if (!current || wrote.current) return;
        if (e instanceof ApiError && e.status === 404) setSession(null);
        else onError(e);
      },
    );
    return () => {
      current = false;
    };
  }, [hasRoute, songId]);

  /** What the server answered to this page's own create or save. */
  const written = (s: SongSession): SongSession => {
    wrote.current = true;
    setSession(s);
    return s;
  };

  async function create(title: string, bpm: number | null, takes: Wire<Take>[]): Promise<number> {
    const stems: StemSource[] = [];
    for (const t of takes) {
      const bytes = await (await fetch(api.blobUrl(t.blobSha256 as string))).arrayBuffer();
      const facts = probeAudio(bytes);
      if (!facts) throw new Error(`${t.part}: only WAV and FLAC files can go into a session from here`);
      stems.push({ name: t.part, sha256: t.blobSha256 as string, facts });
    }
    const doc = sessionFromStems(title, bpm, stems);
    written(await optional.saveSession(songId, { version: 0, session: doc }));
    return stems.length;
  }

  async function save(params: TrackParams[], edited?: Session): Promise<SongSession> {
    if (!session) throw new Error("the song has no mix session to save");
    const doc = withStripSettings(edited ?? documentOf(session), params);
    return written(await optional.saveSession(songId, { version: session.version, session: doc }));
  }

  return { session, create, save };
}
