/**
 * The canonical run (docs/design.md §6.2): the default `config.yaml` with its default seed and
 * counts. Its `MANIFEST.md` is kept at the repository root; the test suite regenerates
 * it and fails when any digest changes, so a change in output is always deliberate.
 *
 * Update after a deliberate output change:
 *   deno task manifest
 *
 * @module
 */
import { loadConfig } from "../lib/config/load.ts";
import { runGenerate } from "../lib/generate.ts";
import type { Manifest } from "../lib/manifest/manifest.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** Generate the canonical dataset in a temporary folder; returns its MANIFEST.md. */
export function canonicalRun(): { manifest: Manifest; markdown: string } {
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-canonical-" });
  try {
    const { manifest } = runGenerate({
      loaded: loadConfig(`${ROOT}/config.yaml`),
      overrides: { out: `${tmp}/out` },
      force: false,
    });
    return {
      manifest,
      markdown: Deno.readTextFileSync(`${tmp}/out/MANIFEST.md`),
    };
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
}

/**
 * The digest-bearing lines of a MANIFEST.md: the fingerprint and the file table
 * (not the environment section, which names the Deno version that made it).
 */
export function digestLines(markdown: string): string[] {
  return markdown.split("\n").filter((l) =>
    l.startsWith("Dataset fingerprint") ||
    /^\| \S+ \| [\d,]+ \| [\d,]+ \| `/.test(l)
  );
}

if (import.meta.main) {
  const { markdown, manifest } = canonicalRun();
  Deno.writeTextFileSync(`${ROOT}/MANIFEST.md`, markdown);
  console.log(`Wrote MANIFEST.md (fingerprint ${manifest.fingerprint})`);
}
