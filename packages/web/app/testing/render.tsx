/**
 * What a component test imports: Testing Library on the happy-dom document (unmounted after every test),
 * `userEvent` to act as a user, and `renderPage` to mount a page with a signed-in user and fake audio.
 */
import "./dom.ts";
import { afterEach } from "node:test";
import { cleanup, configure, render } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactElement } from "react";
import type { User, Wire } from "../api.ts";
import { type AudioServices, AudioServicesContext } from "../audio/services.tsx";
import { SessionContext } from "../session.tsx";
import { fakeAudio } from "./fake-audio.ts";

export { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
export { userEvent };

afterEach(() => cleanup());
// The machine running the tests may be busy: wait up to 5 s for what should appear.
configure({ asyncUtilTimeout: 5000 });

/** The user the pages see as signed in. */
export const PAT = { id: "u-pat", email: "pat@example.com", name: "Pat Producer" } as Wire<User>;

/** Mounts `ui` as a signed-in user's page with fake audio (`fakeAudio()` unless given). */
export function renderPage(ui: ReactElement, options: { audio?: AudioServices; user?: Wire<User> } = {}) {
  const audio = options.audio ?? fakeAudio();
  const user = options.user ?? PAT;
  return {
    audio,
    user: userEvent.setup(),
    ...render(
      <SessionContext.Provider value={{ user, setUser: () => {} }}>
        <AudioServicesContext.Provider value={audio}>{ui}</AudioServicesContext.Provider>
      </SessionContext.Provider>,
    ),
  };
}
