/**
 * Recognising the validation report chatsynth writes (`validation.md`,
 * `validation.json`, `report.html`), so that a file of the same name it did not write (the user's
 * notes) is never replaced by `validate` nor removed by `--force`. Only regular files
 * are opened, and only their first bytes (or at most 1 MiB of JSON) are read.
 *
 * @module
 */

/** The first line of every `validation.md` chatsynth writes (without its LF). */
export const REPORT_TITLE = "# chatsynth validation report";

/**
 * The second line of every `report.html` chatsynth writes (after `<!DOCTYPE html>`):
 * an HTML comment that says what wrote the file.
 */
export const HTML_REPORT_MARK = "<!-- chatsynth validation report -->";

/** The top-level keys of every `validation.json` chatsynth writes. */
const REPORT_KEYS = ["dataset", "method", "checks", "rules", "quality", "pass"];

/** Largest `validation.json` recognised as ours, bytes (ours are tens of KB). */
const MAX_REPORT_JSON_BYTES = 1024 * 1024;

/** Up to `n` bytes from the start of a regular file. */
function readHead(path: string, n: number): Uint8Array {
  const file = Deno.openSync(path, { read: true });
  try {
    const buf = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      const k = file.readSync(buf.subarray(got));
      if (k === null || k === 0) break;
      got += k;
    }
    return buf.subarray(0, got);
  } finally {
    file.close();
  }
}

/**
 * Why the file at `path` (named `name`: `validation.md`, `validation.json` or
 * `report.html`) must not be replaced or removed, or `undefined` when nothing is
 * there or it is a report chatsynth wrote: a regular file, `validation.md` starting
 * with the report's title line, `report.html` with `<!DOCTYPE html>` and
 * {@linkcode HTML_REPORT_MARK} as its first two lines, `validation.json` a JSON
 * object with exactly the report's top-level keys. Only
 * regular files are opened, and no more than their first bytes (the title), or at
 * most {@linkcode MAX_REPORT_JSON_BYTES}.
 *
 * @example
 * ```ts
 * const dir = Deno.makeTempDirSync();
 * try {
 *   Deno.writeTextFileSync(`${dir}/validation.md`, "# chatsynth validation report\n\nAll pass.\n");
 *   Deno.writeTextFileSync(`${dir}/notes.md`, "# My notes\n");
 *   if (notOurReportReason(`${dir}/validation.md`, "validation.md") !== undefined) {
 *     throw new Error("A report chatsynth wrote may be replaced");
 *   }
 *   if (notOurReportReason(`${dir}/notes.md`, "validation.md") === undefined) {
 *     throw new Error("The user's notes must be kept");
 *   }
 *   if (notOurReportReason(`${dir}/absent.json`, "validation.json") !== undefined) {
 *     throw new Error("Nothing there: nothing to protect");
 *   }
 * } finally {
 *   Deno.removeSync(dir, { recursive: true });
 * }
 * ```
 */
export function notOurReportReason(
  path: string,
  name: string,
): string | undefined {
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
  const foreign = "is not a report chatsynth wrote";
  if (info.isSymlink) return `it is a symbolic link, and ${foreign}`;
  if (info.isDirectory) return `it is a folder, and ${foreign}`;
  if (!info.isFile) return `it is not a regular file, and ${foreign}`;
  const startsWith = (first: string) => {
    const want = new TextEncoder().encode(first);
    const head = readHead(path, want.length);
    return head.length === want.length && head.every((b, i) => b === want[i]);
  };
  if (name.endsWith(".md")) {
    return startsWith(`${REPORT_TITLE}\n`)
      ? undefined
      : `it exists and ${foreign} (it does not start with "${REPORT_TITLE}")`;
  }
  if (name.endsWith(".html")) {
    return startsWith(`<!DOCTYPE html>\n${HTML_REPORT_MARK}\n`)
      ? undefined
      : `it exists and ${foreign} (its second line is not "${HTML_REPORT_MARK}")`;
  }
  const notJson = `it exists and ${foreign} (not a chatsynth validation.json)`;
  if (info.size > MAX_REPORT_JSON_BYTES) return notJson;
  let v: unknown;
  try {
    v = JSON.parse(
      new TextDecoder("utf-8", { fatal: true }).decode(
        readHead(path, MAX_REPORT_JSON_BYTES + 1),
      ),
    );
  } catch {
    return notJson;
  }
  const ours = typeof v === "object" && v !== null && !Array.isArray(v) &&
    Object.keys(v).sort().join() === [...REPORT_KEYS].sort().join() &&
    typeof (v as { pass?: unknown }).pass === "boolean";
  return ours ? undefined : notJson;
}
