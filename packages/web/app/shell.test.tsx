import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Link, match, navigate, usePath } from "./router.tsx";
import { act, render, screen, userEvent } from "./testing/render.tsx";
import { clock, words } from "./util.ts";

function Where() {
  return <p>at {usePath()}</p>;
}

describe("router", () => {
  it("matches path patterns and decodes the parts", () => {
    assert.deepEqual(match("/songs/:id/mixer", "/songs/a%20b/mixer"), { id: "a b" });
    assert.deepEqual(match("/songs/:id", "/songs/s1/"), { id: "s1" });
    assert.equal(match("/songs/:id", "/songs/s1/mixer"), null);
    assert.equal(match("/projects/:id", "/songs/s1"), null);
  });

  it("re-renders what shows the path when the app navigates", () => {
    render(<Where />);
    screen.getByText("at /");
    act(() => navigate("/songs/s1"));
    screen.getByText("at /songs/s1");
    act(() => navigate("/"));
  });

  it("marks in-app links for the click handler", () => {
    render(<Link href="/songs/s1">City Hums</Link>);
    assert.equal(screen.getByRole("link", { name: "City Hums" }).getAttribute("data-internal"), "");
  });
});

describe("display helpers", () => {
  it("shows seconds as m:ss.t", () => {
    assert.equal(clock(0), "0:00.0");
    assert.equal(clock(3.04), "0:03.0");
    assert.equal(clock(65.25), "1:05.3");
    assert.equal(clock(Number.NaN), "–");
  });
  it("shows ids as words", () => {
    assert.equal(words("pre_production"), "pre production");
  });
});

describe("a user in a form", () => {
  it("types into a field", async () => {
    render(<input aria-label="Label" />);
    await userEvent.type(screen.getByLabelText("Label"), "vocal up");
    assert.equal((screen.getByLabelText("Label") as HTMLInputElement).value, "vocal up");
  });
});

describe("the app on its first load, signed out", () => {
  it("asks who is signed in without a failed request (the browser logs every 4xx as a console error)", async () => {
    const { App } = await import("./App.tsx");
    const answered: [string, number][] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async (input: RequestInfo | URL) => {
      const url = String(input);
      const status = url === "/api/auth/session" ? 200 : 401;
      answered.push([url, status]);
      const body = status === 200 ? { user: null } : { error: "unauthenticated", message: "sign in first" };
      return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
    }) as typeof fetch;
    try {
      render(<App />);
      await screen.findByRole("heading", { name: "Sign in" });
    } finally {
      globalThis.fetch = realFetch;
    }
    assert.deepEqual(answered, [["/api/auth/session", 200]]);
  });
});
