import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { ApiError, api } from "../api.ts";
import { render, screen, userEvent, waitFor } from "../testing/render.tsx";
import { stub } from "../testing/stub.ts";
import { SignInPage } from "./SignInPage.tsx";

const OFFER = {
  projectTitle: "First Album",
  email: "nia@example.com",
  roles: ["mixing_engineer"],
  invitedByName: "Pat Producer",
};

describe("SignInPage through an invitation link", () => {
  afterEach(() => history.replaceState(null, "", "/"));

  it("says what the invitation offers and joins the team by creating the account with it", async () => {
    history.replaceState(null, "", "/?invite=tok123");
    const calls = stub(api, {
      invitationLink: async () => OFFER,
      register: async () => ({ id: "u9", email: OFFER.email, name: "Nia" }),
      login: async () => ({
        user: { id: "u9", email: OFFER.email, name: "Nia" },
        expiresAt: "2030-01-01T00:00:00Z",
      }),
      me: async () => ({ id: "u9", email: OFFER.email, name: "Nia" }),
    });
    render(<SignInPage />);
    await screen.findByText(
      "Pat Producer invited nia@example.com to “First Album” as mixing engineer. Create your account with that address to join.",
    );
    await screen.findByRole("heading", { name: "Create an account" });
    assert.equal((screen.getByLabelText("E-mail") as HTMLInputElement).value, OFFER.email);
    await userEvent.type(screen.getByLabelText("Name", { exact: true }), "Nia");
    await userEvent.type(screen.getByLabelText("Password", { exact: true }), "correct horse battery");
    await userEvent.click(screen.getByRole("button", { name: "Create account" }));
    await waitFor(() => assert.equal(calls.login.length, 1));
    assert.deepEqual(calls.invitationLink, [["tok123"]]);
    assert.deepEqual(calls.register, [
      [{ email: OFFER.email, name: "Nia", password: "correct horse battery", invite: "tok123" }],
    ]);
    await waitFor(() => assert.equal(window.location.search, ""));
  });

  it("says when the link no longer works", async () => {
    history.replaceState(null, "", "/?invite=used");
    stub(api, {
      invitationLink: async () => {
        throw new ApiError(404, "invite: this invitation link is unknown, used or cancelled", null);
      },
    });
    render(<SignInPage />);
    await screen.findByText("invite: this invitation link is unknown, used or cancelled");
    screen.getByRole("heading", { name: "Sign in" });
  });
});
