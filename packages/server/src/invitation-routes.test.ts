/**
 * Invitations over HTTP: a producer invites an e-mail with no account; the link's token shows what it
 * offers without signing in; registering with it (and that e-mail) joins the team; permissions hold.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { login } from "@controlroom/studio/accounts/accounts.ts";
import type { Studio } from "@controlroom/studio/context.ts";
import {
  DATABASES,
  openTestStudio,
  seedTeam,
  type TeamFixture,
  type TestStudio,
} from "@controlroom/studio/testing/test-studio.ts";
import type { FastifyInstance } from "fastify";
import { buildServer } from "./app.ts";

const PASSWORD = "correct horse battery";

for (const kind of DATABASES) {
  describe(`invitation routes on ${kind}`, () => {
    let t: TestStudio;
    let s: Studio;
    let app: FastifyInstance;
    let team: TeamFixture;
    const tokens: Record<string, string> = {};
    const call = async (who: string | null, method: string, url: string, payload?: unknown) => {
      const r = await app.inject({
        method: method as "GET",
        url,
        payload: payload as never,
        headers: who ? { authorization: `Bearer ${tokens[who]}` } : {},
      });
      return { status: r.statusCode, body: r.body ? JSON.parse(r.body) : null };
    };

    before(async () => {
      t = await openTestStudio(kind);
      s = t.studio;
      // Every answer checked against its declared schema.
      app = await buildServer(s, { loginPerMinute: 100, checkResponses: true });
      team = await seedTeam(s);
      for (const who of ["producer", "engineer"] as const) {
        const u = await s.db
          .selectFrom("users")
          .select("email")
          .where("id", "=", team.actors[who].userId)
          .executeTakeFirstOrThrow();
        tokens[who] = (await login(s, { email: u.email, password: PASSWORD }, "token")).token;
      }
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    test("invite someone without an account; they join by registering through the link", async () => {
      const email = `newcomer.${Date.now()}@example.com`;
      const url = `/api/projects/${team.projectId}/invitations`;
      const refused = await call("engineer", "POST", url, { email, roles: ["engineer"] });
      assert.equal(refused.status, 403);
      const made = await call("producer", "POST", url, { email, roles: ["engineer"] });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      assert.equal(made.body.status, "pending");
      const token = made.body.token as string;
      const listed = await call("producer", "GET", url);
      assert.deepEqual(
        listed.body.map((i: { email: string; roles: string[] }) => [i.email, i.roles]),
        [[email, ["engineer"]]],
      );
      assert.equal((await call("engineer", "GET", url)).status, 403);
      // The link, before signing in.
      const preview = await call(null, "GET", `/api/invitation-links/${token}`);
      assert.deepEqual(preview, {
        status: 200,
        body: { projectTitle: "Record", email, roles: ["engineer"], invitedByName: "producer" },
      });
      // Another address cannot use it, and no account is made.
      const wrong = await call(null, "POST", "/api/auth/register", {
        email: `other.${email}`,
        name: "Other",
        password: PASSWORD,
        invite: token,
      });
      assert.equal(wrong.status, 400);
      assert.match(wrong.body.message, /^email: the invitation is for /);
      assert.equal(
        (await s.db.selectFrom("users").select("id").where("email", "=", `other.${email}`).execute()).length,
        0,
      );
      const joined = await call(null, "POST", "/api/auth/register", {
        email,
        name: "Newcomer",
        password: PASSWORD,
        invite: token,
      });
      assert.equal(joined.status, 201, JSON.stringify(joined.body));
      tokens.newcomer = (await login(s, { email, password: PASSWORD }, "token")).token;
      const project = await call("newcomer", "GET", `/api/projects/${team.projectId}`);
      assert.equal(project.status, 200);
      assert.deepEqual(project.body.myRoles, ["engineer"]);
      // Used: the link is dead, nothing is pending.
      assert.equal((await call(null, "GET", `/api/invitation-links/${token}`)).status, 404);
      assert.deepEqual((await call("producer", "GET", url)).body, []);
    });

    test("an unknown link is a 404 naming the invitation; cancelling is for producers", async () => {
      const bad = await call(null, "GET", "/api/invitation-links/nope");
      assert.equal(bad.status, 404);
      assert.match(bad.body.message, /^invite: /);
      const made = await call("producer", "POST", `/api/projects/${team.projectId}/invitations`, {
        email: `maybe.${Date.now()}@example.com`,
        roles: ["viewer"],
      });
      const id = made.body.invitation.id;
      assert.equal((await call("engineer", "DELETE", `/api/invitations/${id}`)).status, 403);
      assert.equal((await call("producer", "DELETE", `/api/invitations/${id}`)).status, 200);
      assert.equal((await call(null, "GET", `/api/invitation-links/${made.body.token}`)).status, 404);
    });
  });
}
