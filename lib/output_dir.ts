/**
 * Atomic output folder (docs/design.md §6.4): the dataset is written into a staging folder inside
 * `<out>.partial/` next to the target and renamed into place only when complete. An
 * existing non-empty target is refused unless `force`; with `force` it is replaced only
 * when it holds a chatsynth dataset and nothing else, and only after the new dataset is
 * complete (the old one is moved aside into `<out>.partial/`, the new one renamed into
 * place, then the old one removed). Some folders are never replaced: the root, the
 * current folder and any folder containing it, the home folder, and folders the caller
 * protects (the config file's).
 *
 * A `--out` whose last component is a symbolic link (or `.` or `..`) is resolved once,
 * when the run starts: the dataset is written into the link's target, and the staging
 * folder is `<target>.partial/` beside that target, so the final rename stays inside
 * one parent folder. The link itself is left as it is.
 *
 * @module
 */
import { UsageError } from "./errors.ts";
import {
  METADATA_FILES,
  readManifestFile,
  REPORT_FILES,
  VALIDATION_FILES,
} from "./manifest/read_manifest.ts";
import { notOurReportReason } from "./validate/report_files.ts";
import { GENERATOR } from "./manifest/versions.ts";
import { trimSlashes } from "./wording.ts";
import { brokenLink } from "./symlinks.ts";

function describeFsError(e: unknown): string {
  if (e instanceof Deno.errors.NotCapable) {
    return "Deno has no permission for this path (-P covers only output/ and output.partial/; for another folder grant --allow-read and --allow-write for DIR and DIR.partial, see --help)";
  }
  if (e instanceof Deno.errors.PermissionDenied) {
    return "permission denied by the file system";
  }
  if (e instanceof Deno.errors.NotFound) return "no such file or directory";
  return e instanceof Error ? e.message : String(e);
}

/**
 * Wrap a file-system failure as a one-sentence usage error naming the path.
 *
 * @param what What was being done, e.g. "write output folder".
 * @param path The path at fault.
 */
export function fsError(what: string, path: string, e: unknown): UsageError {
  return new UsageError(`Cannot ${what} "${path}": ${describeFsError(e)}`);
}

function lstatOrUndefined(path: string): Deno.FileInfo | undefined {
  try {
    return Deno.lstatSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw fsError("inspect", path, e);
  }
}

function isEmptyDir(path: string): boolean {
  try {
    for (const _ of Deno.readDirSync(path)) return false;
  } catch (e) {
    throw fsError("list", path, e);
  }
  return true;
}

/** Whether Deno already holds a permission (querying never prompts). */
function granted(desc: Deno.PermissionDescriptor): boolean {
  try {
    return Deno.permissions.querySync(desc).state === "granted";
  } catch {
    return false;
  }
}

/** The canonical absolute path, or `undefined` when it cannot be had without a prompt. */
function realPathOrUndefined(path: string): string | undefined {
  if (!granted({ name: "read", path })) return undefined;
  try {
    return Deno.realPathSync(path);
  } catch {
    return undefined;
  }
}

/** The folder holding `path` (`"."` for a bare name, `"/"` for a top-level path). */
function parentOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "." : i === 0 ? "/" : path.slice(0, i);
}

/**
 * The folders above `path` that do not exist yet, innermost first: those a recursive
 * `mkdir` of `path` creates. Stops at the first that exists or cannot be inspected.
 */
function missingAncestors(path: string): string[] {
  const missing: string[] = [];
  for (let p = parentOf(path); p !== "." && p !== "/"; p = parentOf(p)) {
    try {
      Deno.lstatSync(p);
      break;
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) break;
      missing.push(p);
    }
  }
  return missing;
}

function randomId(): string {
  // A per-run folder name only (never in any output): process id plus 32 random bits.
  const b = crypto.getRandomValues(new Uint8Array(4));
  return `${Deno.pid}-${
    Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("")
  }`;
}

/** A folder the output may never replace, such as the one holding the config file. */
export interface ProtectedFolder {
  /** The folder, relative or absolute (compared after resolving symbolic links). */
  path: string;
  /** What it is, for the message, e.g. `the folder of the config file "config.yaml"`. */
  what: string;
}

/**
 * Why `--force` may not replace the existing folder `dir`, or `undefined` when `dir`
 * holds a dataset of this generator (a readable `manifest.json` naming it) and nothing
 * but the files that manifest lists, the metadata files and the reports chatsynth
 * writes beside a dataset (`REPORT_FILES`). Stops at the first foreign entry.
 *
 * @param dir An existing, non-empty folder.
 * @returns A sentence fragment naming the first foreign entry, e.g.
 *   `holds "notes.txt", which chatsynth did not write`.
 * @throws {UsageError} When the folder cannot be listed.
 * @example
 * ```ts
 * const dir = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${dir}/notes.txt`, "mine");
 * const why = foreignContent(dir); // a folder without a chatsynth manifest
 * if (why === undefined) throw new Error("a notes file is not a dataset");
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function foreignContent(dir: string): string | undefined {
  let manifestInfo: Deno.FileInfo | undefined;
  try {
    manifestInfo = lstatOrUndefined(`${dir}/manifest.json`);
  } catch { /* reported by readManifestFile below */ }
  // A part folder (generate --shard K/N) has part.json instead.
  let partInfo: Deno.FileInfo | undefined;
  if (!manifestInfo) {
    try {
      partInfo = lstatOrUndefined(`${dir}/part.json`);
    } catch { /* reported below */ }
  }
  if (!manifestInfo && !partInfo) {
    const first = [...entries(dir)][0];
    return `holds ${
      first ? `"${first.name}"` : "files"
    } and no manifest.json, so it is not a chatsynth dataset`;
  }
  const metaName = manifestInfo ? "manifest.json" : "part.json";
  let files: string[];
  try {
    const { manifest } = readManifestFile(dir, metaName);
    const name: unknown = manifest.generator.name;
    if (name !== GENERATOR.name) {
      return typeof name === "string"
        ? `holds a ${metaName} of another generator (${JSON.stringify(name)})`
        : `holds a ${metaName} that names no generator`;
    }
    files = manifest.files.map((f) => f.path);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return `holds a ${metaName} that is not a usable chatsynth manifest (${e.message})`;
  }
  const known = new Set([
    ...files,
    ...(manifestInfo ? METADATA_FILES : ["part.json", "SHA256SUMS"]),
    ...REPORT_FILES,
  ]);
  const folders = new Set(
    files.map((p) => p.slice(0, p.lastIndexOf("/"))).filter((p) => p),
  );
  const walk = (prefix: string): string | undefined => {
    const path = prefix ? `${dir}/${prefix}` : dir;
    for (const e of entries(path)) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isSymlink) {
        return `holds "${rel}", a symbolic link chatsynth did not write`;
      }
      if (e.isDirectory) {
        if (!folders.has(rel)) {
          return `holds the folder "${rel}", which chatsynth did not write`;
        }
        const inner = walk(rel);
        if (inner) return inner;
      } else if (!known.has(rel)) {
        return `holds "${rel}", which chatsynth did not write`;
      } else if (!e.isFile) {
        return `holds "${rel}", which is not a regular file`;
      } else if (
        VALIDATION_FILES.includes(rel) && !isOurReport(`${dir}/${rel}`, rel)
      ) {
        return `holds "${rel}", which is not a report chatsynth wrote`;
      }
    }
    return undefined;
  };
  return walk("");
}

/** Whether a validation report file is one chatsynth wrote (unreadable: no). */
function isOurReport(path: string, name: string): boolean {
  try {
    return notOurReportReason(path, name) === undefined;
  } catch {
    return false;
  }
}

/** A folder's entries, sorted by name (so the entry a message names is stable). */
function entries(path: string): Deno.DirEntry[] {
  try {
    return [...Deno.readDirSync(path)].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0
    );
  } catch (e) {
    throw fsError("list", path, e);
  }
}

/** Why a folder may not be written or replaced: what it is, and what to do. */
interface Refusal {
  /** E.g. "is the current folder (\"/work\")". */
  fragment: string;
  /** E.g. "choose another --out". */
  advice: string;
}

const FORCE_RULE =
  "--force replaces only an empty folder or a chatsynth dataset, choose another --out";

/**
 * A dataset being written into its own staging folder, `<out>.partial/run-<id>/`.
 *
 * Each run has its own staging folder, so concurrent runs to the same target never
 * write into each other's files; the last one to finish wins, and only with `force`
 * (or into an empty target). Folders left by killed runs stay in `<out>.partial/`
 * (they never look like a dataset) and are reported by {@linkcode leftovers}.
 *
 * @example
 * ```ts
 * import { UsageError } from "./errors.ts";
 * const exists = (p: string) => {
 *   try {
 *     Deno.lstatSync(p);
 *     return true;
 *   } catch {
 *     return false;
 *   }
 * };
 * const dir = Deno.makeTempDirSync();
 * try {
 *   const target = `${dir}/out`;
 *   const staged = new StagedOutput(target, false);
 *   staged.mkdir("raw");
 *   Deno.writeTextFileSync(staged.path("raw/turns.jsonl"), "{}\n");
 *   if (exists(`${target}/raw/turns.jsonl`)) throw new Error("Visible before the commit");
 *   staged.commit();
 *   if (Deno.readTextFileSync(`${target}/raw/turns.jsonl`) !== "{}\n") throw new Error("Not moved into place");
 *   // The target now holds files chatsynth did not describe in a manifest: refused, even with force.
 *   try {
 *     new StagedOutput(target, true);
 *     throw new Error("Expected a usage error");
 *   } catch (e) {
 *     if (!(e instanceof UsageError)) throw e;
 *   }
 * } finally {
 *   Deno.removeSync(dir, { recursive: true });
 * }
 * ```
 */
export class StagedOutput {
  /** The output folder as given, without trailing slashes (for messages and reading back). */
  readonly given: string;
  /** The folder replaced on commit: `given`, resolved once when it is a link or ends in `.` or `..`. */
  readonly target: string;
  /** `<target>.partial`: holds the staging folders of runs in progress. */
  readonly workRoot: string;
  /** Where files are written until {@linkcode commit}. */
  readonly staging: string;
  /** Folders in `workRoot` that belong to other (interrupted or concurrent) runs. */
  readonly leftovers: string[];
  /** Warnings from {@linkcode commit} that did not make the run fail. */
  readonly warnings: string[] = [];
  /**
   * The rename {@linkcode commit} uses (`Deno.renameSync`); replaceable so that tests
   * can make one rename fail.
   */
  rename: (from: string, to: string) => void = Deno.renameSync;
  #force: boolean;
  #protect: ProtectedFolder[];
  #shown: string;
  /** Folders above `workRoot` this run created, innermost first. */
  #createdParents: string[] = [];

  /**
   * Check the target and create an empty staging folder. Nothing is created or changed
   * when the target is refused.
   *
   * @param target Output folder path (relative or absolute; trailing slashes ignored).
   * @param force Replace an existing folder that holds a chatsynth dataset.
   * @param protect Folders never to replace besides the root, the current folder (and
   *   those containing it) and the home folder.
   * @throws {UsageError} When the target is a file, a dangling link, a protected folder,
   *   non-empty without `force`, non-empty with anything chatsynth did not write, or a
   *   folder cannot be created (permission denied, read-only, disk full).
   */
  constructor(target: string, force: boolean, protect: ProtectedFolder[] = []) {
    this.given = trimSlashes(target);
    this.#force = force;
    this.#protect = protect;
    const last = this.given.slice(this.given.lastIndexOf("/") + 1);
    const info = lstatOrUndefined(this.given);
    if (info?.isSymlink || last === "." || last === "..") {
      // Resolved once: later changes to the link do not redirect this run.
      let real: string;
      try {
        real = Deno.realPathSync(this.given);
      } catch (e) {
        const broken = info?.isSymlink ? brokenLink(this.given) : undefined;
        if (broken) {
          throw new UsageError(
            `Output folder "${this.given}" is ${broken.text}; ${
              broken.loop ? "" : "create that folder or "
            }choose another --out`,
          );
        }
        throw fsError("resolve output folder", this.given, e);
      }
      this.target = real;
      this.#shown = info?.isSymlink
        ? `"${this.given}" (a symbolic link to "${real}")`
        : `"${this.given}" ("${real}")`;
      const missing = [real, `${real}.partial`].filter((p) =>
        !granted({ name: "read", path: p }) ||
        !granted({ name: "write", path: p })
      );
      if (info?.isSymlink && missing.length) {
        throw new UsageError(
          `Output folder ${this.#shown} is written where the link points, and Deno has no permission for ${
            missing.map((p) => `"${p}"`).join(" and ")
          } (grant --allow-read and --allow-write for ${
            missing.length > 1 ? "both" : "it"
          })`,
        );
      }
    } else {
      this.target = this.given;
      this.#shown = `"${this.given}"`;
    }
    this.workRoot = `${this.target}.partial`;
    this.staging = `${this.workRoot}/run-${randomId()}`;
    const refusal = this.#check().refusal;
    if (refusal) {
      throw new UsageError(
        `Output folder ${this.#shown} ${refusal.fragment}; ${refusal.advice}`,
      );
    }
    const root = lstatOrUndefined(this.workRoot);
    if (root && !root.isDirectory) {
      throw new UsageError(
        `Cannot write output folder ${this.#shown}: "${this.workRoot}" exists and is ${
          root.isSymlink
            ? "a symbolic link (the staging folder must sit beside the output folder)"
            : "not a folder"
        }`,
      );
    }
    const missing = missingAncestors(this.workRoot);
    try {
      Deno.mkdirSync(this.workRoot, { recursive: true });
      this.#createdParents = missing;
      this.leftovers = [...Deno.readDirSync(this.workRoot)].map((e) =>
        `${this.workRoot}/${e.name}`
      ).sort();
      Deno.mkdirSync(this.staging);
    } catch (e) {
      this.#createdParents = missing;
      this.#removeRootIfEmpty();
      throw fsError("create output folder", this.staging, e);
    }
  }

  /** Whether the target exists, and why it may not be replaced (if so). */
  #check(): { exists: boolean; refusal?: Refusal } {
    const info = lstatOrUndefined(this.target);
    if (!info) return { exists: false };
    const refuse = (fragment: string, advice = "choose another --out") => ({
      exists: true,
      refusal: { fragment, advice },
    });
    if (info.isSymlink) return refuse("has become a symbolic link");
    if (!info.isDirectory) return refuse("is a file, not a folder");
    const real = realPathOrUndefined(this.target) ?? this.target;
    const never = this.#protectedReason(real);
    if (never) {
      return refuse(never, "chatsynth never replaces it, choose another --out");
    }
    if (isEmptyDir(this.target)) return { exists: true };
    const foreign = foreignContent(this.target);
    if (foreign) return refuse(foreign, FORCE_RULE);
    if (!this.#force) {
      return refuse(
        "is not empty",
        "pass --force to replace it, or choose another --out",
      );
    }
    return { exists: true };
  }

  /** Why the folder at canonical path `real` is never replaced, if it is not. */
  #protectedReason(real: string): string | undefined {
    if (real === "/") return "is the root folder";
    const guarded: { path: string; what: string }[] = [];
    // The canonical path in parentheses only when it says more than the path given.
    const named = (what: string, path: string) =>
      path === this.given ? what : `${what} ("${path}")`;
    const cwd = realPathOrUndefined(".");
    if (cwd) {
      guarded.push({ path: cwd, what: named("the current folder", cwd) });
    }
    if (granted({ name: "env", variable: "HOME" })) {
      const home = Deno.env.get("HOME");
      const h = home ? realPathOrUndefined(home) : undefined;
      if (h) guarded.push({ path: h, what: named("the home folder", h) });
    }
    for (const p of this.#protect) {
      const r = realPathOrUndefined(p.path);
      if (r) guarded.push({ path: r, what: p.what });
    }
    for (const g of guarded) {
      if (g.path === real) return `is ${g.what}`;
      if (g.path.startsWith(`${real}/`)) return `contains ${g.what}`;
    }
    return undefined;
  }

  /** Path inside the staging folder for a relative dataset path. */
  path(rel: string): string {
    return `${this.staging}/${rel}`;
  }

  /**
   * Write `text` (UTF-8) to the relative dataset path `rel` in the staging folder.
   *
   * @throws {UsageError} When it cannot be written (named path).
   */
  writeText(rel: string, text: string): void {
    try {
      Deno.writeFileSync(this.path(rel), new TextEncoder().encode(text));
    } catch (e) {
      throw fsError("write", this.path(rel), e);
    }
  }

  /** Create a subfolder of the staging folder. */
  mkdir(rel: string): void {
    try {
      Deno.mkdirSync(this.path(rel), { recursive: true });
    } catch (e) {
      throw fsError("create output folder", this.path(rel), e);
    }
  }

  /**
   * Move the complete dataset into place. The target is checked again first, by the
   * same rules as when the run started (another run or a person may have filled it
   * meanwhile); the old dataset is moved aside first and removed after the new one is
   * in place.
   *
   * @throws {UsageError} When the target may no longer be replaced, or a rename fails;
   *   the staging folder is then removed and the target left as it was (an old
   *   dataset already moved aside is moved back).
   */
  commit(): void {
    const { exists, refusal } = this.#check();
    if (refusal) {
      this.abort();
      throw new UsageError(
        `Output folder ${this.#shown} changed while this run was writing and now ${refusal.fragment}; nothing was replaced (${refusal.advice})`,
      );
    }
    const aside = `${this.staging}-replaced`;
    try {
      if (exists) this.rename(this.target, aside);
    } catch (e) {
      this.abort();
      throw fsError("move the dataset into", this.target, e);
    }
    try {
      this.rename(this.staging, this.target);
    } catch (e) {
      let restored = "";
      if (exists) {
        try {
          this.rename(aside, this.target);
        } catch (back) {
          // Kept where it is (abort removes only the staging folder): say where.
          restored =
            `; the previous dataset could not be moved back and is in "${aside}" (${
              back instanceof Error ? back.message : String(back)
            })`;
        }
      }
      this.abort();
      throw new UsageError(
        `${
          fsError("move the dataset into", this.target, e).message
        }${restored}`,
      );
    }
    if (exists) {
      try {
        Deno.removeSync(aside, { recursive: true });
      } catch (e) {
        this.warnings.push(
          `the new dataset is in place, but the previous one could not be removed from "${aside}": ${
            e instanceof Error ? e.message : String(e)
          }`,
        );
      }
    }
    this.#createdParents = []; // they hold the dataset now
    this.#removeRootIfEmpty();
  }

  #removeRootIfEmpty(): void {
    try {
      Deno.removeSync(this.workRoot); // not recursive: only when no other run uses it
    } catch { /* another run's folder, or a leftover: keep */ }
  }

  /**
   * Remove the staging folder after a failure, then `workRoot` and the folders above
   * it that this run created, each only when empty (innermost first); the target is
   * untouched.
   */
  abort(): void {
    try {
      Deno.removeSync(this.staging, { recursive: true });
    } catch { /* best effort */ }
    this.#removeRootIfEmpty();
    for (const dir of this.#createdParents) {
      try {
        Deno.removeSync(dir); // not recursive: only when nothing else is in it
      } catch { /* in use (e.g. by another run): keep */ }
    }
    this.#createdParents = [];
  }
}
