/**
 * The user population as sessions see it: who a session picks, and that user's
 * attributes regenerated on demand (docs/design.md §3.1, §12.3).
 *
 * Users are a pure function of their index, so a run holds only what sampling needs:
 * the cumulative activity weights, 8 bytes per user (plus 8 more while they are
 * built). A session's user's device, country and zone are redrawn from their streams
 * (`userCore`, about 1 µs); the whole record (name, e-mail, age…) that raw lines
 * repeat is regenerated with Faker (`generateUser`, about 9 µs) and kept in a small
 * direct-mapped cache, so heavy users are not regenerated for each of their sessions.
 * Memory therefore does not grow with sessions, and grows with users by 8 bytes each.
 *
 * @module
 */
import type { Model } from "./model.ts";
import {
  Categorical,
  type StreamFactory,
  type Uniform,
} from "../random/mod.ts";
import type { FakerPool } from "./faker_pool.ts";
import {
  generateUser,
  userActivityLogWeight,
  type UserCore,
  userCore,
  type UserRecord,
} from "./user.ts";

/** Entries of the record cache at most (a power of two). */
export const RECORD_CACHE_SIZE = 1 << 14;

/**
 * The activity table of `users` users: weight W_u ~ Gamma(activity_shape, 1) from
 * stream ("user.activity", u), relative to the largest (so tiny shapes whose weights
 * underflow still rank users, and the total is ≥ 1).
 *
 * @param users Users, count ≥ 1.
 * @returns A categorical over user indices 0..users − 1 (8 bytes per user).
 * @throws {RangeError} When `users` < 1.
 */
export function activityTable(
  model: Model,
  streams: StreamFactory,
  users: number,
): Categorical {
  if (!(users >= 1)) {
    throw new RangeError(`An activity table needs at least one user: ${users}`);
  }
  const w = new Float64Array(users);
  let maxLog = -Infinity;
  for (let u = 0; u < users; u++) {
    const x = userActivityLogWeight(model, streams, u);
    w[u] = x;
    if (x > maxLog) maxLog = x;
  }
  for (let u = 0; u < users; u++) w[u] = Math.exp(w[u] - maxLog);
  return new Categorical(w);
}

/**
 * Sampling and on-demand attributes of a run's users.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { parseConfig } from "../config/load.ts";
 * import { effectiveConfig } from "../config/effective.ts";
 * import { compileModel } from "./model.ts";
 * import { RandomStream, StreamFactory } from "../random/mod.ts";
 * import { FakerPool } from "./faker_pool.ts";
 * import { generateUser } from "./user.ts";
 * const text = Deno.readTextFileSync("config.yaml");
 * const model = compileModel(effectiveConfig(parseConfig(text, "config.yaml"), {}, "config.yaml"));
 * const streams = new StreamFactory(5);
 * const fakers = new FakerPool(new Date(0));
 * const people = new Population(model, streams, fakers, 100);
 * const u = people.sample(new RandomStream(1, 2));
 * // On demand, the same user as generating it outright.
 * strictEqual(people.record(u).email, generateUser(model, streams, fakers, u).email);
 * strictEqual(people.core(u).zone, people.record(u).zone);
 * ```
 */
export class Population {
  /** Users, count. */
  readonly users: number;
  readonly #model: Model;
  readonly #streams: StreamFactory;
  readonly #fakers: FakerPool;
  readonly #activity: Categorical;
  readonly #core: UserCore = { device: 0, country: 0, zone: 0 };
  #coreOf = -1;
  readonly #keys: Int32Array;
  readonly #records: (UserRecord | undefined)[];
  readonly #mask: number;

  /**
   * The population of `users` users of a run.
   *
   * @param users Users, count ≥ 1.
   * @throws {RangeError} When `users` < 1.
   */
  constructor(
    model: Model,
    streams: StreamFactory,
    fakers: FakerPool,
    users: number,
  ) {
    this.users = users;
    this.#model = model;
    this.#streams = streams;
    this.#fakers = fakers;
    this.#activity = activityTable(model, streams, users);
    let size = 1;
    while (size < RECORD_CACHE_SIZE && size < users) size *= 2;
    this.#keys = new Int32Array(size).fill(-1);
    this.#records = new Array(size);
    this.#mask = size - 1;
  }

  /** Draw a session's user index; consumes one uniform. */
  sample(rng: Uniform): number {
    return this.#activity.sample(rng);
  }

  /** Probability that a session picks user `u`. */
  probability(u: number): number {
    return this.#activity.probability(u);
  }

  /**
   * Device, country and zone of user `u`. The record returned is reused: read it
   * before the next call.
   */
  core(u: number): Readonly<UserCore> {
    if (u !== this.#coreOf) {
      userCore(this.#model, this.#streams, u, this.#core);
      this.#coreOf = u;
    }
    return this.#core;
  }

  /** User `u`'s whole record, regenerated or from the cache (do not modify it). */
  record(u: number): UserRecord {
    const slot = u & this.#mask;
    if (this.#keys[slot] === u) return this.#records[slot]!;
    const r = generateUser(this.#model, this.#streams, this.#fakers, u);
    this.#keys[slot] = u;
    this.#records[slot] = r;
    return r;
  }
}
