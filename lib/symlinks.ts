/**
 * Symbolic links that lead nowhere, described for messages: a chain of links that
 * ends at a missing path, or a loop of links. The operating system only says "No such
 * file or directory" or "Too many levels of symbolic links"; these name the links.
 *
 * @module
 */
import { escapeControls } from "./wording.ts";

/** Why a path that is a symbolic link cannot be followed. */
export interface BrokenLink {
  /**
   * A fragment that follows "is", e.g. `a symbolic link to "dang", which is a symbolic
   * link to "nowhere", which does not exist`, or `a loop of symbolic links ("loopA" ->
   * "loopB" -> "loopA")`.
   */
  text: string;
  /** True for a loop, false for a chain that ends at a missing path. */
  loop: boolean;
}

/** Most links followed before the chain counts as a loop (Linux allows 40). */
const MAX_HOPS = 40;

/** `path` with `.` segments dropped and `x/..` pairs removed (textually). */
function normalize(path: string): string {
  const out: string[] = [];
  for (const seg of path.split("/")) {
    if (seg === "." || (seg === "" && out.length > 0)) continue;
    if (
      seg === ".." && out.length > 0 && out.at(-1) !== ".." && out.at(-1) !== ""
    ) {
      out.pop();
    } else out.push(seg);
  }
  return out.join("/") || ".";
}

/** Where link text `to`, read from the link at `link`, points. */
function target(link: string, to: string): string {
  if (to.startsWith("/")) return normalize(to);
  const slash = link.lastIndexOf("/");
  const dir = slash < 0 ? "." : slash === 0 ? "/" : link.slice(0, slash);
  return normalize(`${dir}/${to}`);
}

/**
 * When `path` is a symbolic link that cannot be followed to something that exists,
 * say why; otherwise (not a link, a link that resolves, or a path that cannot be
 * inspected) `undefined`. Reads links only (lstat, readlink), never what they point to.
 *
 * @param path The path as the user gave it.
 * @example
 * ```ts
 * const dir = Deno.makeTempDirSync();
 * try {
 *   Deno.symlinkSync(`${dir}/nowhere`, `${dir}/dang`);
 *   Deno.writeTextFileSync(`${dir}/real.txt`, "x");
 *   if (brokenLink(`${dir}/dang`) === undefined) throw new Error("dang points nowhere");
 *   if (brokenLink(`${dir}/real.txt`) !== undefined) throw new Error("real.txt is a file");
 * } finally {
 *   Deno.removeSync(dir, { recursive: true });
 * }
 * ```
 */
export function brokenLink(path: string): BrokenLink | undefined {
  const texts: string[] = [];
  const seen = new Set<string>();
  let p = path;
  for (let hop = 0; hop <= MAX_HOPS; hop++) {
    let info: Deno.FileInfo;
    try {
      info = Deno.lstatSync(p);
    } catch (e) {
      if (hop > 0 && e instanceof Deno.errors.NotFound) {
        const chain = texts.map((t, i) =>
          `${i === 0 ? "a" : ", which is a"} symbolic link to "${
            escapeControls(t)
          }"`
        ).join("");
        return { text: `${chain}, which does not exist`, loop: false };
      }
      return undefined;
    }
    if (!info.isSymlink) return undefined;
    let to: string;
    try {
      to = Deno.readLinkSync(p);
    } catch {
      return undefined;
    }
    seen.add(normalize(p));
    texts.push(to);
    p = target(p, to);
    if (seen.has(p) || hop === MAX_HOPS) {
      const shown = [path, ...texts].map((t) => `"${escapeControls(t)}"`);
      return {
        text: `a loop of symbolic links (${shown.join(" -> ")})`,
        loop: true,
      };
    }
  }
  return undefined;
}
