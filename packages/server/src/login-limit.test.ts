/**
 * The per-account sign-in limit over HTTP: wrong passwords spread over many addresses are throttled, the
 * lock is short and doubles, it expires, and the owner's known browser (device cookie) signs in through it.
 * The clock is the test's own, so nothing waits.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { DATABASES, openTestStudio, type TestStudio } from "@controlroom/studio/testing/test-studio.ts";
import type { FastifyInstance } from "fastify";
import { buildServer } from "./app.ts";

const PASSWORD = "correct horse battery";

for (const kind of DATABASES) {
  describe(`per-account sign-in limit on ${kind}`, () => {
    let t: TestStudio;
    let app: FastifyInstance;
    let now = Date.parse("2026-01-01T12:00:00Z");
    let address = 1;
    /** Signs in from a fresh loopback address each time (127.0.0.2, .3, …), optionally with cookies. */
    const login = async (email: string, password: string, cookie?: string) => {
      const r = await app.inject({
        method: "POST",
        url: "/api/auth/login",
        remoteAddress: `127.0.${Math.floor(++address / 250)}.${(address % 250) + 1}`,
        headers: cookie ? { cookie } : {},
        payload: { email, password },
      });
      return { status: r.statusCode, body: r.json(), headers: r.headers };
    };
    const register = async (email: string) => {
      const r = await app.inject({
        method: "POST",
        url: "/api/auth/register",
        payload: { email, name: "Pat Producer", password: PASSWORD },
      });
      assert.equal(r.statusCode, 201, r.body);
    };
    /** The device cookie a successful sign-in set. */
    const deviceCookie = (headers: Record<string, unknown>) => {
      const set = ([] as string[]).concat((headers["set-cookie"] as string | string[]) ?? []);
      const d = set.find((c) => c.startsWith("cr_device="));
      assert.ok(d, `no device cookie in ${set.join(" | ")}`);
      assert.match(d, /HttpOnly/i);
      return d.split(";")[0];
    };

    before(async () => {
      t = await openTestStudio(kind);
      app = await buildServer(t.studio, {
        loginPerMinute: 1000,
        loginLimit: { now: () => now, freeFailures: 5, firstLockMs: 30_000, maxLockMs: 15 * 60_000 },
      });
      await register("producer@example.com");
      await register("owner@example.com");
      await register("quiet@example.com");
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    test("10 wrong passwords from 10 addresses: 5 are checked, the rest get 429 with Retry-After", async () => {
      const codes: number[] = [];
      let last: Awaited<ReturnType<typeof login>> | undefined;
      for (let i = 0; i < 10; i++) {
        last = await login("producer@example.com", `guess number ${i}`);
        codes.push(last.status);
      }
      assert.deepEqual(codes, [401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);
      assert.equal(last?.body.error, "account_locked");
      assert.match(
        last?.body.message,
        /^email: too many failed sign-ins for producer@example\.com; try again in 30 s/,
      );
      assert.equal(last?.headers["retry-after"], "30");
      // The right password from an unknown browser is refused too while locked (it is not even checked).
      assert.equal((await login("producer@example.com", PASSWORD)).status, 429);
    });

    test("the lock expires, and each further failure doubles it (up to the cap)", async () => {
      now += 30_000;
      assert.equal((await login("producer@example.com", "wrong again")).status, 401);
      const locked = await login("producer@example.com", PASSWORD);
      assert.equal(locked.status, 429);
      assert.equal(locked.headers["retry-after"], "60");
      now += 60_000;
      assert.equal((await login("producer@example.com", "and again")).status, 401);
      assert.equal((await login("producer@example.com", PASSWORD)).headers["retry-after"], "120");
      // The cap: many more locks later it stays at 15 min.
      for (let i = 0; i < 6; i++) {
        now += 15 * 60_000;
        await login("producer@example.com", "still guessing");
      }
      assert.equal((await login("producer@example.com", PASSWORD)).headers["retry-after"], "900");
      // After the lock, the right password signs in and clears the count: 5 free failures again.
      now += 15 * 60_000;
      assert.equal((await login("producer@example.com", PASSWORD)).status, 200);
      const codes: number[] = [];
      for (let i = 0; i < 6; i++) codes.push((await login("producer@example.com", `x${i}`)).status);
      assert.deepEqual(codes, [401, 401, 401, 401, 401, 429]);
    });

    test("the owner's known browser signs in through the lock a stranger caused", async () => {
      const first = await login("owner@example.com", PASSWORD);
      assert.equal(first.status, 200);
      const device = deviceCookie(first.headers);
      for (let i = 0; i < 8; i++) await login("owner@example.com", `stranger ${i}`);
      assert.equal((await login("owner@example.com", PASSWORD)).status, 429);
      const owner = await login("owner@example.com", PASSWORD, device);
      assert.equal(owner.status, 200, JSON.stringify(owner.body));
      assert.equal(owner.body.user.email, "owner@example.com");
      // The same device keeps its cookie; the stranger stays locked out.
      assert.equal(deviceCookie(owner.headers), device);
      assert.equal((await login("owner@example.com", PASSWORD)).status, 429);
      // A device known for another account does not pass this one's lock.
      const other = await login("quiet@example.com", PASSWORD);
      assert.equal((await login("owner@example.com", PASSWORD, deviceCookie(other.headers))).status, 429);
      // A made-up device cookie does not either.
      assert.equal((await login("owner@example.com", PASSWORD, "cr_device=made-up")).status, 429);
    });

    test("unknown e-mails are limited the same way, so the answers do not reveal accounts", async () => {
      const codes: number[] = [];
      for (let i = 0; i < 7; i++) codes.push((await login("nobody@example.com", `g${i}`)).status);
      assert.deepEqual(codes, [401, 401, 401, 401, 401, 429, 429]);
    });

    test("parallel guesses cannot slip past the lock", async () => {
      await register("parallel@example.com");
      const codes = (
        await Promise.all(Array.from({ length: 12 }, (_, i) => login("parallel@example.com", `p${i}`)))
      ).map((r) => r.status);
      assert.equal(codes.filter((c) => c === 401).length, 5, codes.join(","));
      assert.equal(codes.filter((c) => c === 429).length, 7, codes.join(","));
    });

    test("the per-address limit still holds", async () => {
      const strict = await buildServer(t.studio, { loginPerMinute: 3 });
      const codes: number[] = [];
      for (let i = 0; i < 5; i++)
        codes.push(
          (
            await strict.inject({
              method: "POST",
              url: "/api/auth/login",
              remoteAddress: "10.0.0.9",
              payload: { email: `someone${i}@example.com`, password: "nope nope" },
            })
          ).statusCode,
        );
      await strict.close();
      assert.deepEqual(codes, [401, 401, 401, 429, 429]);
    });
  });
}
