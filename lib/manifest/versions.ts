/**
 * Versions recorded in the manifest (docs/design.md §6.2): generator, runtime, and the npm
 * dependencies as pinned in `deno.lock`, plus the lock file's SHA-256.
 *
 * @module
 */
import { sha256Hex } from "./file_digest.ts";
import denoJson from "../../deno.json" with { type: "json" };

/** Generator name and version (from `deno.json`). */
export const GENERATOR = { name: "chatsynth", version: denoJson.version };

/** Versions of everything that can change the output bytes. */
export interface Versions {
  /** Generator name and version (from `deno.json`). */
  generator: { name: string; version: string };
  /** Versions of the Deno runtime, its V8 and its TypeScript. */
  runtime: { deno: string; v8: string; typescript: string };
  /** npm package → version, from the lock file's `specifiers`. */
  dependencies: Record<string, string>;
  /** SHA-256 of `deno.lock` as read, or "unavailable" when it cannot be read. */
  deno_lock_sha256: string;
}

/**
 * Collect the versions of this run.
 *
 * @param lockUrl Location of `deno.lock` (default: the repository's).
 *
 * @example
 * ```ts
 * import { createHash } from "node:crypto";
 * const v = collectVersions();
 * const lockSha = createHash("sha256").update(Deno.readFileSync("deno.lock")).digest("hex");
 * if (v.deno_lock_sha256 !== lockSha) throw new Error("Lock digest differs");
 * if (v.runtime.deno !== Deno.version.deno) throw new Error("Deno version differs");
 * ```
 */
export function collectVersions(
  lockUrl: URL = new URL("../../deno.lock", import.meta.url),
): Versions {
  const dependencies: Record<string, string> = {};
  let lockSha = "unavailable";
  try {
    const bytes = Deno.readFileSync(lockUrl);
    lockSha = sha256Hex(bytes);
    const lock = JSON.parse(new TextDecoder().decode(bytes)) as {
      specifiers?: Record<string, string>;
    };
    for (const [spec, version] of Object.entries(lock.specifiers ?? {})) {
      const m = /^npm:(@?[^@]+)@/.exec(spec);
      if (m) dependencies[m[1]] = version;
    }
  } catch {
    // Compiled binaries or foreign working directories may not see the lock file;
    // the manifest then says so instead of failing the run.
  }
  const sorted: Record<string, string> = {};
  for (const k of Object.keys(dependencies).sort()) sorted[k] = dependencies[k];
  return {
    generator: GENERATOR,
    runtime: {
      deno: Deno.version.deno,
      v8: Deno.version.v8,
      typescript: Deno.version.typescript,
    },
    dependencies: sorted,
    deno_lock_sha256: lockSha,
  };
}
