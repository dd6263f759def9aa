/**
 * Meter readings arrive from the audio thread about ten times a second each; React state should not churn
 * with every one. The audio callbacks write the latest value into `feed.current`, and the display copies it
 * into state every `ms` (default 100 ms) while `active`.
 */
import { type RefObject, useEffect, useRef, useState } from "react";

export function useMeterFeed<T>(
  initial: T,
  active: boolean,
  ms = 100,
): { value: T; feed: RefObject<T>; publish(): void } {
  const feed = useRef<T>(initial);
  const [value, setValue] = useState<T>(initial);
  const publish = () => setValue(feed.current);
  // biome-ignore lint/correctness/useExhaustiveDependencies: publish only reads the ref
  useEffect(() => {
    if (!active) return;
    const id = setInterval(publish, ms);
    return () => clearInterval(id);
  }, [active, ms]);
  return { value, feed, publish };
}
