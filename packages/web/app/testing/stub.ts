/**
 * Replaces methods of the API client (`api`, `optional`) for one test: each replacement answers as the
 * server would, and records its calls. Restored after each test.
 */
import { afterEach } from "node:test";

// biome-ignore lint/suspicious/noExplicitAny: a stand-in takes what the client's method takes
type Fn = (...args: any[]) => unknown;

const restores: (() => void)[] = [];
afterEach(() => {
  for (const r of restores.splice(0).reverse()) r();
});

/** The calls a stand-in received, each its argument list. */
export type Calls = unknown[][];

/**
 * Replaces `target`'s methods by `with_` for the current test.
 * @returns the calls each replaced method received, by name.
 */
export function stub<T extends object>(
  target: T,
  with_: Partial<Record<keyof T, Fn>>,
): Record<keyof T, Calls> {
  const calls = {} as Record<keyof T, Calls>;
  for (const [name, fn] of Object.entries(with_) as [keyof T, Fn][]) {
    const original = target[name];
    const log: Calls = [];
    calls[name] = log;
    (target as Record<keyof T, unknown>)[name] = (...args: unknown[]) => {
      log.push(args);
      return fn(...args);
    };
    restores.push(() => {
      (target as Record<keyof T, unknown>)[name] = original;
    });
  }
  return calls;
}

/** A promise to settle by hand: for a request the test wants to hold open. */
export function deferred<T>(): { promise: Promise<T>; resolve(v: T): void; reject(e: unknown): void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((a, b) => {
    resolve = a;
    reject = b;
  });
  return { promise, resolve, reject };
}
