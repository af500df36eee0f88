/**
 * The generation inputs a manifest records, checked for consistency before anyone
 * regenerates or validates from them: the config text must match its SHA-256, parse
 * under the current schema, and with the recorded seed, counts and formats give
 * exactly the recorded parameters.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import type { Config, Format } from "../config/schema.ts";
import { parseConfig } from "../config/load.ts";
import { effectiveConfig } from "../generate.ts";
import type { Manifest } from "./manifest.ts";
import { UsageError } from "../errors.ts";

/** The effective config of a manifest, and what is wrong with its inputs. */
export interface ManifestInputs {
  /** Effective config, or `undefined` when the config text cannot be used. */
  config?: Config;
  /** Inconsistencies, one sentence fragment each (empty when all agree). */
  problems: string[];
}

/**
 * Rebuild and check the effective config a manifest records.
 *
 * @param m A manifest that passed `readManifest`.
 */
export function manifestInputs(m: Manifest): ManifestInputs {
  const problems: string[] = [];
  const sha = createHash("sha256").update(
    new TextEncoder().encode(m.config.text),
  )
    .digest("hex");
  if (sha !== m.config.sha256) {
    problems.push(
      "the config text in manifest.json does not match its recorded SHA-256",
    );
  }
  let config: Config | undefined;
  try {
    const file = parseConfig(m.config.text, "manifest.json config");
    config = effectiveConfig(
      file,
      {
        seed: m.seed,
        sessions: m.sessions,
        users: m.users,
        formats: m.formats as Format[],
        // Not a parameter (never compared): the file's, or the default folder.
        out: file.out ?? "output",
      },
      "manifest.json config",
    );
    const { out: _out, ...parameters } = config;
    if (!isDeepStrictEqual(parameters, m.parameters)) {
      problems.push(
        "the parameters in manifest.json are not its config text with the recorded seed, counts and formats",
      );
    }
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    problems.push(`cannot regenerate: ${e.message}`);
  }
  return { config, problems };
}
