/**
 * The effective configuration: the config file with the command-line flags applied
 * (docs/design.md §2).
 *
 * @module
 */
import {
  type Config,
  ENCODING_CHOICES,
  type EncodingChoice,
  type FileConfig,
  FLAG_KEYS,
  type Format,
} from "./schema.ts";
import { UsageError } from "../errors.ts";
import { listed } from "../wording.ts";

/** Command-line values that override the config file (docs/design.md §2). */
export interface Overrides {
  /** `--seed`: dataset seed, an integer in [0, 2^53 − 1]. */
  seed?: number;
  /** `--sessions`: sessions to generate, count. */
  sessions?: number;
  /** `--users`: users to generate, count. */
  users?: number;
  /** `--formats`: representations to write. */
  formats?: Format[];
  /** `--encoding`: encodings to write (default: the file's, else text). */
  encodings?: EncodingChoice[];
  /** `--out`: output folder. */
  out?: string;
}

/**
 * Apply command-line overrides to a validated config file: a flag wins over the
 * file's value, and each of `seed`, `sessions`, `users`, `out` and `formats` must come
 * from one or the other.
 *
 * @param config The config file, as `parseConfig` returned it.
 * @param o The flags given.
 * @param source The config's name in messages, e.g. "config.yaml".
 * @returns The effective config (its keys in the file's schema order).
 * @throws {UsageError} When a key is neither in the file nor given as a flag; the
 *   message names the key and its flag.
 * @example
 * ```ts
 * import { parseConfig } from "./load.ts";
 * // a config file without `sessions:`, run with --sessions 100:
 * const text = Deno.readTextFileSync("config.yaml").replace(/^sessions:.*$/m, "");
 * const c = effectiveConfig(parseConfig(text, "config.yaml"), { sessions: 100 }, "config.yaml");
 * if (c.sessions !== 100) throw new Error("the flag supplies sessions");
 * ```
 */
export function effectiveConfig(
  config: FileConfig,
  o: Overrides,
  source: string,
): Config {
  const { seed, sessions, users, out, formats, encodings, ...model } = config;
  const flags = {
    seed: o.seed ?? seed,
    sessions: o.sessions ?? sessions,
    users: o.users ?? users,
    out: o.out ?? out,
    formats: o.formats ?? formats,
  };
  const missing = FLAG_KEYS.filter((k) => flags[k] === undefined);
  if (missing.length) {
    const one = missing.length === 1;
    throw new UsageError(
      `${source}: ${listed(missing)} ${one ? "is" : "are"} required; set ${
        one ? "it" : "them"
      } in the file or give ${listed(missing.map((k) => `--${k}`))}`,
    );
  }
  return {
    ...(flags as Pick<Config, typeof FLAG_KEYS[number]>),
    encodings: orderedEncodings(o.encodings ?? encodings ?? ["text"]),
    ...model,
  };
}

/**
 * Encodings in canonical order (text, then parquet), each once.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * deepStrictEqual(orderedEncodings(["parquet", "text", "parquet"]), ["text", "parquet"]);
 * ```
 */
export function orderedEncodings(
  list: readonly EncodingChoice[],
): EncodingChoice[] {
  return ENCODING_CHOICES.filter((e) => list.includes(e));
}
