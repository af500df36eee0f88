/**
 * Atomic output folder (docs/design.md §6.4): the dataset is written into a staging folder
 * inside `<out>.partial/` next to the target and renamed into place only when
 * complete. An existing non-empty target is refused unless `force`; with `force` it is
 * replaced only after the new dataset is complete (the old one is moved aside into
 * `<out>.partial/`, the new one renamed into place, then the old one removed).
 *
 * @module
 */
import { UsageError } from "../errors.ts";

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

function statOrUndefined(path: string): Deno.FileInfo | undefined {
  try {
    return Deno.statSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw fsError("inspect", path, e);
  }
}

function isEmptyDir(path: string): boolean {
  for (const _ of Deno.readDirSync(path)) return false;
  return true;
}

function randomId(): string {
  // A per-run folder name only (never in any output): process id plus 32 random bits.
  const b = crypto.getRandomValues(new Uint8Array(4));
  return `${Deno.pid}-${
    Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("")
  }`;
}

/**
 * A dataset being written into its own staging folder, `<out>.partial/run-<id>/`.
 *
 * Each run has its own staging folder, so concurrent runs to the same target never
 * write into each other's files; the last one to finish wins, and only with `force`
 * (or into an empty target). Folders left by killed runs stay in `<out>.partial/`
 * (they never look like a dataset) and are reported by {@linkcode leftovers}.
 */
export class StagedOutput {
  /** The final folder. */
  readonly target: string;
  /** `<target>.partial`: holds the staging folders of runs in progress. */
  readonly workRoot: string;
  /** Where files are written until {@linkcode commit}. */
  readonly staging: string;
  /** Folders in `workRoot` that belong to other (interrupted or concurrent) runs. */
  readonly leftovers: string[];
  /** Warnings from {@linkcode commit} that did not make the run fail. */
  readonly warnings: string[] = [];
  #force: boolean;

  /**
   * Check the target and create an empty staging folder.
   *
   * @param target Output folder path (relative or absolute).
   * @param force Replace an existing non-empty folder.
   * @throws {UsageError} When the target is a file, is non-empty without `force`, or
   *   a folder cannot be created (permission denied, read-only, disk full).
   */
  constructor(target: string, force: boolean) {
    this.target = target.replace(/[\\/]+$/, "") || target;
    this.#force = force;
    this.workRoot = `${this.target}.partial`;
    this.staging = `${this.workRoot}/run-${randomId()}`;
    const info = statOrUndefined(this.target);
    if (info && !info.isDirectory) {
      throw new UsageError(
        `Cannot write output folder "${target}": a file with that name exists`,
      );
    }
    if (info && !force && !isEmptyDir(this.target)) {
      throw new UsageError(
        `Output folder "${target}" is not empty; pass --force to replace it, or choose another --out`,
      );
    }
    const root = statOrUndefined(this.workRoot);
    if (root && !root.isDirectory) {
      throw new UsageError(
        `Cannot write output folder "${target}": "${this.workRoot}" exists and is not a folder`,
      );
    }
    try {
      Deno.mkdirSync(this.workRoot, { recursive: true });
      this.leftovers = [...Deno.readDirSync(this.workRoot)].map((e) =>
        `${this.workRoot}/${e.name}`
      ).sort();
      Deno.mkdirSync(this.staging);
    } catch (e) {
      throw fsError("create output folder", this.staging, e);
    }
  }

  /** Path inside the staging folder for a relative dataset path. */
  path(rel: string): string {
    return `${this.staging}/${rel}`;
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
   * Move the complete dataset into place. An existing target (created or filled by
   * another run meanwhile) is replaced only with `force` or when empty; the old
   * dataset is moved aside first and removed after the new one is in place.
   *
   * @throws {UsageError} When the target became non-empty and `force` is off, or a
   *   rename fails; the staging folder is then removed and the target untouched.
   */
  commit(): void {
    const info = statOrUndefined(this.target);
    if (info && !this.#force && !isEmptyDir(this.target)) {
      this.abort();
      throw new UsageError(
        `Output folder "${this.target}" was filled by another run while this one was writing; nothing was replaced (pass --force to replace it)`,
      );
    }
    const aside = `${this.staging}-replaced`;
    try {
      if (info) Deno.renameSync(this.target, aside);
      Deno.renameSync(this.staging, this.target);
    } catch (e) {
      this.abort();
      throw fsError("move the dataset into", this.target, e);
    }
    if (info) {
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
    this.#removeRootIfEmpty();
  }

  #removeRootIfEmpty(): void {
    try {
      Deno.removeSync(this.workRoot); // not recursive: only when no other run uses it
    } catch { /* another run's folder, or a leftover: keep */ }
  }

  /** Remove the staging folder after a failure; the target is untouched. */
  abort(): void {
    try {
      Deno.removeSync(this.staging, { recursive: true });
    } catch { /* best effort */ }
    this.#removeRootIfEmpty();
  }
}
