/**
 * The song page's keys: space plays/pauses, ←/→ move the playhead 5 s (with shift 1 s), `c` comments at the
 * playhead. Not while typing in a field.
 */
import { useEffect } from "react";

export interface ShortcutActions {
  toggle(): void;
  /** Moves the playhead by `seconds`. */
  step(seconds: number): void;
  comment(): void;
}

/** Whether a key press belongs to a text field (or other control that takes keys), not to the page. */
export function isTyping(target: EventTarget | null): boolean {
  const t = target as HTMLElement | null;
  return !!t?.closest?.("input, textarea, select, [contenteditable=true]");
}

/** Listens on the window while mounted; the latest `actions` are used. */
export function useShortcuts(actions: ShortcutActions): void {
  useEffect(() => {
    const on = (ev: KeyboardEvent) => {
      if (isTyping(ev.target)) return;
      if (ev.key === " ") {
        ev.preventDefault();
        actions.toggle();
      } else if (ev.key === "ArrowRight" || ev.key === "ArrowLeft") {
        ev.preventDefault();
        actions.step((ev.shiftKey ? 1 : 5) * (ev.key === "ArrowRight" ? 1 : -1));
      } else if (ev.key === "c") {
        ev.preventDefault();
        actions.comment();
      }
    };
    window.addEventListener("keydown", on);
    return () => window.removeEventListener("keydown", on);
  });
}
