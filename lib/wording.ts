/**
 * Small helpers for the words and paths in messages: counts with the right noun form
 * ("1 file", "2 files") and folder paths without doubled slashes ("output/", never
 * "output//").
 *
 * @module
 */
import { thousands } from "./number_format.ts";

/**
 * A count followed by its noun, singular for exactly 1, with thousands separators.
 *
 * @param n The count, a non-negative integer.
 * @param singular The noun for one, e.g. "file".
 * @param plural The noun for any other count (default: `singular` + "s").
 * @returns E.g. "1 file", "0 files", "12,345 sessions".
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * strictEqual(counted(1, "file"), "1 file");
 * strictEqual(counted(3, "entry", "entries"), "3 entries");
 * ```
 */
export function counted(
  n: number,
  singular: string,
  plural = `${singular}s`,
): string {
  return `${thousands(n)} ${n === 1 ? singular : plural}`;
}

/**
 * A folder path as the user gave it, without trailing slashes (`"output//"` →
 * `"output"`); the root folder stays `"/"`.
 *
 * @param path A non-empty path.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * strictEqual(trimSlashes("output/"), "output");
 * strictEqual(trimSlashes("//"), "/");
 * ```
 */
export function trimSlashes(path: string): string {
  return path.replace(/(.)\/+$/, "$1");
}

/**
 * A path inside a folder: `inFolder("output/", "manifest.json")` is
 * `"output/manifest.json"`, `inFolder("/", "x")` is `"/x"`.
 *
 * @param dir The folder, with or without trailing slashes.
 * @param name A relative path.
 */
export function inFolder(dir: string, name: string): string {
  const d = trimSlashes(dir);
  return d.endsWith("/") ? `${d}${name}` : `${d}/${name}`;
}

/**
 * A folder path with exactly one trailing slash, for messages: `"output"` and
 * `"output//"` both give `"output/"`, the root gives `"/"`.
 *
 * @param dir The folder.
 */
export function folderShown(dir: string): string {
  return inFolder(dir, "");
}

/**
 * Text from a user (a config key or value, a path) made safe to print inside one line
 * of a message: every control character (C0, DEL, C1) and the Unicode line and
 * paragraph separators are written as JSON escapes (`\n`, `\t`, `\u001b`), so a
 * message stays one line and cannot send terminal escape sequences. Other
 * characters, quotes included, are kept.
 *
 * @param s Any text.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * strictEqual(escapeControls("a\nb\x1b[31m"), "a\\nb\\u001b[31m");
 * ```
 */
export function escapeControls(s: string): string {
  return s.replace(
    // deno-lint-ignore no-control-regex
    /[\x00-\x1f\x7f-\x9f\u2028\u2029]/g,
    (c) =>
      JSON_ESCAPES[c] ??
        `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

const JSON_ESCAPES: Record<string, string> = {
  "\b": "\\b",
  "\t": "\\t",
  "\n": "\\n",
  "\f": "\\f",
  "\r": "\\r",
};

/**
 * A user-supplied value as it is quoted in messages: its JSON text (a string in double
 * quotes, with `"` and `\` escaped), every control character escaped as
 * {@linkcode escapeControls} does. An empty string shows as `""`.
 *
 * @param v A string, number, boolean, null, or a JSON-serialisable object.
 * @returns One line of text; `String(v)` for what JSON cannot represent
 *   (`undefined`, a function), control characters escaped.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * strictEqual(quoted("sesions"), '"sesions"');
 * strictEqual(quoted(""), '""');
 * strictEqual(quoted("a\x1b"), '"a\\u001b"');
 * ```
 */
export function quoted(v: unknown): string {
  return escapeControls(JSON.stringify(v) ?? String(v));
}

/**
 * Words joined as a list: "a", "a and b", "a, b and c".
 *
 * @param words The items, in order.
 * @returns The list in words ("" for none).
 * @example
 * ```ts
 * if (listed(["seed", "sessions", "out"]) !== "seed, sessions and out") throw new Error();
 * ```
 */
export function listed(words: readonly string[]): string {
  return words.length < 2
    ? words.join("")
    : `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}
