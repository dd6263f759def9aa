/** A small history-API router: the server falls back to index.html for every non-API path. */
import { type AnchorHTMLAttributes, useEffect, useState } from "react";

const listeners = new Set<() => void>();

/** Goes to `path` (adds a history entry). */
export function navigate(path: string): void {
  if (path === location.pathname + location.search) return;
  history.pushState(null, "", path);
  for (const l of listeners) l();
}

/** The current path, re-rendering on navigation. */
export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const on = () => setPath(location.pathname);
    listeners.add(on);
    window.addEventListener("popstate", on);
    return () => {
      listeners.delete(on);
      window.removeEventListener("popstate", on);
    };
  }, []);
  return path;
}

/** Matches `/songs/:id` style patterns. @returns the named parts, or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split("/");
  const s = path.replace(/\/+$/, "").split("/");
  if (p.length !== s.length) return null;
  const out: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(":")) out[p[i].slice(1)] = decodeURIComponent(s[i]);
    else if (p[i] !== s[i]) return null;
  }
  return out;
}

/** An in-app link. */
export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  return (
    // biome-ignore lint/a11y/useValidAnchor: a real link (href, new tab, copy) that the app routes itself
    // biome-ignore lint/a11y/useKeyWithClickEvents: Enter on a link fires click
    // biome-ignore lint/a11y/noStaticElementInteractions: an anchor with href is interactive
    <a
      {...props}
      onClick={(ev) => {
        if (ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.button !== 0) return;
        ev.preventDefault();
        navigate(props.href);
      }}
    />
  );
}
