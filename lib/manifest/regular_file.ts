/**
 * Dataset files are read only when they are regular files inside the dataset folder:
 * no symbolic link (which could point anywhere, e.g. /etc/passwd or /dev/zero), no
 * FIFO or device (a read would block or never end), no folder.
 *
 * @module
 */

/**
 * Why `dir/rel` is not a regular file inside `dir`, or `undefined` when it is.
 *
 * @param dir Dataset folder.
 * @param rel Relative path with forward slashes, already checked for `..`.
 * @returns A sentence fragment, e.g. "a symbolic link", "missing".
 * @throws {Deno.errors.NotCapable} When Deno may not read the path (the caller maps it).
 *
 * @example
 * ```ts
 * const dir = Deno.makeTempDirSync();
 * try {
 *   Deno.writeTextFileSync(`${dir}/a.csv`, "x\n");
 *   Deno.symlinkSync(`${dir}/a.csv`, `${dir}/b.csv`);
 *   if (notRegularFileReason(dir, "a.csv") !== undefined) throw new Error("a.csv is regular");
 *   if (notRegularFileReason(dir, "b.csv") === undefined) throw new Error("b.csv is a link");
 *   if (notRegularFileReason(dir, "c.csv") !== "missing") throw new Error("c.csv is missing");
 * } finally {
 *   Deno.removeSync(dir, { recursive: true });
 * }
 * ```
 */
export function notRegularFileReason(
  dir: string,
  rel: string,
): string | undefined {
  const parts = rel.split("/");
  let path = dir;
  for (let i = 0; i < parts.length; i++) {
    path = `${path}/${parts[i]}`;
    let info: Deno.FileInfo;
    try {
      info = Deno.lstatSync(path);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return "missing";
      if (e instanceof Deno.errors.NotADirectory) return "missing";
      throw e;
    }
    if (info.isSymlink) {
      return i === parts.length - 1
        ? "a symbolic link, not a regular file"
        : `"${
          parts.slice(0, i + 1).join("/")
        }" is a symbolic link, not a folder`;
    }
    if (i < parts.length - 1) {
      if (!info.isDirectory) return "missing";
    } else if (info.isDirectory) return "a folder, not a regular file";
    else if (!info.isFile) {
      return "not a regular file (a FIFO, socket or device)";
    }
  }
  return undefined;
}
