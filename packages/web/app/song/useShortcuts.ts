/**
 * The song page's keys: space plays/pauses, ←/→ move the playhead 5 s (with shift 1 s), `c` comments at the
 * playhead. Typing is never taken for a shortcut:
 * - not while a text field has focus (the key's target or the focused element);
 * - not just after one had it: when focus fell out of a field onto nothing (the field went away, the window
 *   lost focus…), keys stay off until the user points somewhere or presses Esc;
 * - while a comment is being written (`typeInto` given), a character typed outside the comment box goes into
 *   it, so nothing typed is lost.
 */
import { useEffect, useRef } from "react";

export interface ShortcutActions {
  toggle(): void;
  /** Moves the playhead by `seconds`. */
  step(seconds: number): void;
  comment(): void;
  /** While a comment is open: puts typed text into its box (and focuses it). */
  typeInto?: ((text: string) => void) | null;
}

/** Whether a key press belongs to a text field (or other control that takes keys), not to the page. */
export function isTyping(target: EventTarget | null): boolean {
  const t = target as HTMLElement | null;
  return !!t?.closest?.("input, textarea, select, [contenteditable=true], [contenteditable='']");
}

/** Whether focus is on nothing in particular (the page itself). */
const focusOnNothing = () => !document.activeElement || document.activeElement === document.body;

/** Listens on the window while mounted; the latest `actions` are used. */
export function useShortcuts(actions: ShortcutActions): void {
  // The last key went to a text field, and the user has not pointed anywhere since.
  const typedLast = useRef(false);
  useEffect(() => {
    const onKey = (ev: KeyboardEvent) => {
      if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.isComposing) return;
      if (isTyping(ev.target) || isTyping(document.activeElement)) {
        typedLast.current = true;
        return;
      }
      if (ev.key === "Escape") {
        typedLast.current = false;
        return;
      }
      if (actions.typeInto && ev.key.length === 1) {
        ev.preventDefault();
        actions.typeInto(ev.key);
        return;
      }
      if (typedLast.current && focusOnNothing()) return;
      typedLast.current = false;
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
    const onPoint = (ev: PointerEvent | MouseEvent) => {
      typedLast.current = isTyping(ev.target);
    };
    window.addEventListener("keydown", onKey);
    window.addEventListener("pointerdown", onPoint, true);
    window.addEventListener("mousedown", onPoint, true);
    return () => {
      window.removeEventListener("keydown", onKey);
      window.removeEventListener("pointerdown", onPoint, true);
      window.removeEventListener("mousedown", onPoint, true);
    };
  });
}
