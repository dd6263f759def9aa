/**
 * Password hashing with scrypt (a slow, memory-hard KDF) from node:crypto. The stored form carries its
 * parameters, so they can be raised later without breaking old hashes.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from "node:crypto";

/** scrypt cost parameters: N = 2^14 (≈16 MiB with r = 8), the Node default and OWASP's minimum. */
const N = 1 << 14;
const R = 8;
const P = 1;
const KEY_BYTES = 32;

function scrypt(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password, salt, KEY_BYTES, { N: n, r, p, maxmem: 256 * n * r }, (e, k) =>
      e ? reject(e) : resolve(k),
    ),
  );
}

/** Hashes a password: `scrypt$N$r$p$salt$key` (salt and key base64). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString("base64")}$${key.toString("base64")}`;
}

/** Checks a password against a stored hash in constant time. Malformed hashes never match. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [n, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4], "base64");
  const want = Buffer.from(parts[5], "base64");
  const got = await scrypt(password, salt, n, r, p);
  return got.length === want.length && timingSafeEqual(got, want);
}

/** A hash of a random password, used to spend the same time when an e-mail is unknown. */
export const DUMMY_HASH_PROMISE: Promise<string> = hashPassword(randomBytes(16).toString("hex"));
