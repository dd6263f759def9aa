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

/**
 * Routes clicks on in-app links (`<a data-internal>`) without a page load; modified clicks (new tab, …)
 * keep the browser's behaviour. Installed once at start.
 */
export function interceptLinks(): void {
  document.addEventListener("click", (ev) => {
    if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey)
      return;
    const a = (ev.target as Element | null)?.closest?.("a[data-internal]") as HTMLAnchorElement | null;
    if (!a) return;
    ev.preventDefault();
    navigate(a.getAttribute("href") ?? "/");
  });
}

/** An in-app link: a plain anchor, routed by `interceptLinks`. */
export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  return <a {...props} data-internal="" />;
}
