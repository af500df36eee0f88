/**
 * The generation inputs a manifest records, checked for consistency before anyone
 * regenerates or validates from them: the config text must match its SHA-256, parse
 * under the current schema, and with the recorded seed, counts and formats give
 * exactly the recorded parameters.
 *
 * @module
 */
import { sha256Hex } from "./file_digest.ts";
import { isDeepStrictEqual } from "node:util";
import {
  type Config,
  ENCODING_CHOICES,
  type EncodingChoice,
  type Format,
} from "../config/schema.ts";
import { parseConfig } from "../config/load.ts";
import { effectiveConfig } from "../config/effective.ts";
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
  const sha = sha256Hex(m.config.text);
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
        // Manifests before encodings were recorded wrote text only.
        encodings: recordedEncodings(m),
        // Not a parameter (never compared): the file's, or the default folder.
        out: file.out ?? "output",
      },
      "manifest.json config",
    );
    const { out: _out, ...parameters } = config;
    const { encodings: _e, ...older } = parameters;
    const recorded = "encodings" in m.parameters ? parameters : older;
    if (!isDeepStrictEqual(recorded, m.parameters)) {
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

/**
 * The encodings a manifest records (`parameters.encodings`), or text for a manifest
 * written before encodings were recorded; an unknown value is left for the
 * comparison with the config to report.
 */
function recordedEncodings(m: Manifest): EncodingChoice[] {
  const e = (m.parameters as { encodings?: unknown }).encodings;
  return Array.isArray(e) &&
      e.every((x) => (ENCODING_CHOICES as readonly unknown[]).includes(x))
    ? e as EncodingChoice[]
    : ["text"];
}

/**
 * Which count each counted table's rows must equal, by table name (whatever the
 * file's encoding).
 */
const ROWS_COUNT: Readonly<Record<string, "sessions" | "turns" | "users">> = {
  turns: "turns",
  fact_turn: "turns",
  fact_session: "sessions",
  dim_user: "users",
};

/**
 * Where a manifest contradicts itself about how big the dataset is: its `sessions`
 * and `users` against `counts`, and `counts` against the rows it lists for the turn,
 * session and user files. Checked before regenerating, so a damaged manifest that
 * claims billions of sessions for a small folder is refused at once instead of
 * regenerated for months.
 *
 * @param m A manifest that passed `readManifest`.
 * @returns One sentence fragment naming the file or field and both numbers, or
 *   `undefined` when every count agrees.
 * @example
 * ```ts
 * import { readManifest } from "./read_manifest.ts";
 * import { runCli } from "../cli/run.ts";
 * const dir = Deno.makeTempDirSync();
 * try {
 *   const out = `${dir}/dataset`;
 *   const argv = ["generate", "-q", "--sessions", "2", "--users", "1", "--out", out];
 *   if (await runCli(argv) !== 0) throw new Error("Generation failed");
 *   const { manifest } = readManifest(out);
 *   if (countsContradiction(manifest) !== undefined) throw new Error("A fresh dataset agrees");
 *   const edited = { ...manifest, counts: { ...manifest.counts, sessions: 100 } };
 *   if (countsContradiction(edited) === undefined) throw new Error("100 sessions in 2 rows");
 * } finally {
 *   Deno.removeSync(dir, { recursive: true });
 * }
 * ```
 */
export function countsContradiction(m: Manifest): string | undefined {
  for (const key of ["sessions", "users"] as const) {
    if (m[key] !== m.counts[key]) {
      return `its "${key}" is ${m[key]}, but counts.${key} is ${m.counts[key]}`;
    }
  }
  for (const f of m.files) {
    const file = f.path.slice(f.path.indexOf("/") + 1);
    const key = Object.hasOwn(ROWS_COUNT, file.replace(/\.[^.]*$/, ""))
      ? ROWS_COUNT[file.replace(/\.[^.]*$/, "")]
      : undefined;
    if (key !== undefined && f.rows !== m.counts[key]) {
      return `it lists "${f.path}" with ${f.rows} row${
        f.rows === 1 ? "" : "s"
      }, but counts.${key} is ${m.counts[key]}`;
    }
  }
  return undefined;
}
