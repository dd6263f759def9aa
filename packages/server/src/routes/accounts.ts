/** Accounts and sessions: sign up, sign in (cookie or bearer token), sign out, who am I. */
import * as S from "@controlroom/studio";
import { z } from "zod";
import { OK, Ok, Session, SignedIn, User } from "../responses.ts";
import { DEVICE_COOKIE, type RouteOptions, route, SESSION_COOKIE, tokenOf } from "../route.ts";

const LoginBody = S.LoginInput.extend({
  kind: z.enum(["cookie", "token"]).default("cookie"),
  label: z.string().max(200).optional(),
});

/** Sign-up and sign-in attempts per client address. */
const rateLimit = (o: RouteOptions) => ({ rateLimit: { max: o.loginPerMinute, timeWindow: "1 minute" } });

export const accountRoutes = [
  route("POST /api/auth/register", {
    summary:
      "Create an account (with `invite`, the token of an invitation link for this e-mail: join that team)",
    tag: "accounts",
    auth: false,
    status: 201,
    body: S.RegisterWithInviteInput,
    response: User,
    config: rateLimit,
    handler: async ({ studio, body }) => {
      // Through an invitation link: the invitation is checked before the account is made, accepted after.
      const { invite, email } = S.parseInput(S.RegisterWithInviteInput, body);
      if (invite) await S.checkInvitation(studio, invite, email);
      const user = await S.register(studio, body);
      if (invite) await S.acceptInvitation(studio, user, invite);
      return user;
    },
  }),
  route("POST /api/auth/login", {
    summary:
      "Sign in: sets an http-only session cookie, or returns a bearer token for scripts (kind: token). " +
      "After 5 failed sign-ins an account is locked for 30 s, doubling up to 15 min (429 with Retry-After); " +
      "a browser that signed in before (device cookie) passes the lock",
    tag: "accounts",
    auth: false,
    body: LoginBody,
    response: SignedIn,
    config: rateLimit,
    handler: async ({ studio, body, req, reply, options }) => {
      const b = S.parseInput(LoginBody, body);
      const { token, user, expiresAt, device } = await S.login(studio, b, b.kind, b.label ?? null, {
        device: req.cookies?.[DEVICE_COOKIE],
        limit: options.loginLimit,
      });
      if (b.kind === "token" || !device) return { user, token, expiresAt };
      reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: "lax",
        secure: options.secureCookies,
        path: "/",
        expires: expiresAt,
      });
      // The session cookie first: clients that read only the first Set-Cookie still get the session.
      reply.setCookie(DEVICE_COOKIE, device, {
        httpOnly: true,
        sameSite: "lax",
        secure: options.secureCookies,
        path: "/api/auth",
        maxAge: 365 * 86400,
      });
      return { user, expiresAt };
    },
  }),
  route("POST /api/auth/logout", {
    summary: "End this session",
    tag: "accounts",
    response: Ok,
    handler: async ({ studio, req, reply }) => {
      await S.logout(studio, tokenOf(req) as string);
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return OK;
    },
  }),
  route("GET /api/auth/session", {
    summary:
      "Who is signed in, if anyone: {user} or {user: null} (never 401, so a page asking on load logs no failed request)",
    tag: "accounts",
    auth: false,
    response: Session,
    handler: async ({ studio, req }) => {
      const token = tokenOf(req);
      if (!token) return { user: null };
      try {
        return { user: (await S.authenticate(studio, token)).user };
      } catch (e) {
        if (e instanceof S.StudioError && e.status === 401) return { user: null };
        throw e;
      }
    },
  }),
  route("GET /api/me", {
    summary: "The signed-in user",
    tag: "accounts",
    response: User,
    handler: async ({ studio, actor }) => S.me(studio, actor),
  }),
];
