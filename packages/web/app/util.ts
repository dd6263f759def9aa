/** Small helpers for showing things. */
import { useCallback, useEffect, useState } from "react";
import { ApiError } from "./api.ts";

/** Formats seconds as m:ss.t. */
export function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return "–";
  const m = Math.floor(seconds / 60);
  const s = seconds - m * 60;
  return `${m}:${s.toFixed(1).padStart(4, "0")}`;
}

/** Formats a stage or role id ("pre_production") as words ("pre production"). */
export function words(id: string): string {
  return id.replace(/_/g, " ");
}

/** The message to show for a failure. */
export function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * Loads data with `load`, re-running when `deps` change. @returns the data, the error message, and reload().
 */
export function useLoad<T>(
  load: () => Promise<T>,
  deps: unknown[],
): [T | undefined, string | null, () => void] {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string | null>(null);
  const [n, setN] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: deps are the caller's
  useEffect(() => {
    let live = true;
    load().then(
      (d) => {
        if (live) {
          setData(d);
          setError(null);
        }
      },
      (e) => live && setError(messageOf(e)),
    );
    return () => {
      live = false;
    };
  }, [...deps, n]);
  const reload = useCallback(() => setN((x) => x + 1), []);
  return [data, error, reload];
}

/** A page's one-line notice: what just happened (`note`) or what went wrong (`error`). */
export interface Notice {
  note: string | null;
  error: string | null;
  /** Shows what happened. */
  say(note: string): void;
  /** Shows a failure's message. */
  fail(err: unknown): void;
  /** Clears the error (before an action). */
  clearError(): void;
  /** Clears what was said (an action that says nothing has started). */
  clearNote(): void;
}

export function useNotice(): Notice {
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  return {
    note,
    error,
    say: (n) => setNote(n),
    fail: (e) => setError(messageOf(e)),
    clearError: () => setError(null),
    clearNote: () => setNote(null),
  };
}

/**
 * A moment as the studio shows it everywhere: in the reader's language, 24-hour clock ("7 Dec 2026, 14:05"
 * in en-GB, "Dec 7, 2026, 14:05" in en-US). @param timeZone an IANA zone (default: the browser's).
 */
export function when(at: string | Date, timeZone?: string): string {
  return new Intl.DateTimeFormat(undefined, {
    dateStyle: "medium",
    timeStyle: "short",
    hourCycle: "h23",
    ...(timeZone ? { timeZone } : {}),
  }).format(typeof at === "string" ? new Date(at) : at);
}
