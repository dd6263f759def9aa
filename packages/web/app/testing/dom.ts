/**
 * A browser document for the component tests: happy-dom's window registered as Node's globals. Imported
 * first by `render.tsx` (so Testing Library finds `document` when it loads); unregistered when the file's
 * tests end, so the test process can exit.
 */
import { after } from "node:test";
import { GlobalRegistrator } from "@happy-dom/global-registrator";

GlobalRegistrator.register({ url: "http://127.0.0.1:4000/", width: 1280, height: 800 });
// Tells React that updates in tests are wrapped in act() (Testing Library does that).
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
after(async () => {
  // Let what the last test left in flight (a reload answered after its end, React's scheduled work) finish
  // against the document before it goes.
  await new Promise((r) => setTimeout(r, 20));
  await (
    globalThis as unknown as { happyDOM?: { waitUntilComplete(): Promise<void> } }
  ).happyDOM?.waitUntilComplete();
  await GlobalRegistrator.unregister();
});
