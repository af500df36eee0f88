/**
 * Atomic output folder (SPEC.md §8): the dataset is written into `<out>.partial` next
 * to the target and renamed into place only when complete. An existing non-empty
 * target is refused unless `force`; with `force` it is replaced only after the new
 * dataset is complete (`<out>` → `<out>.old`, `<out>.partial` → `<out>`, remove `.old`).
 *
 * @module
 */
import { UsageError } from "../errors.ts";

function describeFsError(e: unknown): string {
  if (e instanceof Deno.errors.NotCapable) {
    return "Deno has no permission for this path (-P covers only output/, output.partial/ and output.old/; for another folder grant --allow-read and --allow-write for DIR, DIR.partial and DIR.old, see --help)";
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

function removeIfExists(path: string): void {
  try {
    Deno.removeSync(path, { recursive: true });
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw fsError("remove", path, e);
  }
}

/** A dataset being written into a staging folder. */
export class StagedOutput {
  /** The final folder. */
  readonly target: string;
  /** Where files are written until {@linkcode commit}. */
  readonly staging: string;

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
    this.staging = `${this.target}.partial`;
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
    removeIfExists(this.staging);
    try {
      Deno.mkdirSync(this.staging, { recursive: true });
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

  /** Move the complete dataset into place, replacing the old one. */
  commit(): void {
    const old = `${this.target}.old`;
    const exists = statOrUndefined(this.target) !== undefined;
    try {
      if (exists) {
        removeIfExists(old);
        Deno.renameSync(this.target, old);
      }
      Deno.renameSync(this.staging, this.target);
    } catch (e) {
      throw fsError("move the dataset into", this.target, e);
    }
    if (exists) removeIfExists(old);
  }

  /** Remove the staging folder after a failure; the target is untouched. */
  abort(): void {
    try {
      Deno.removeSync(this.staging, { recursive: true });
    } catch { /* best effort */ }
  }
}
