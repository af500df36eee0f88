/**
 * The `generate` command: effective config → staged dataset → manifest → atomic rename.
 *
 * @module
 */
import type { Config, Format } from "./config/schema.ts";
import { effectiveConfig, type Overrides } from "./config/effective.ts";
import type { LoadedConfig } from "./config/load.ts";
// Re-exported: callers of the generator pass their flags through these.
export { effectiveConfig, type Overrides };
import { compileModel } from "./model/model.ts";
import { type DatasetResult, datasetSteps } from "./dataset.ts";
import { FileSink } from "./sink/file_sink.ts";
import { fsError, type ProtectedFolder, StagedOutput } from "./output_dir.ts";
import { counted } from "./wording.ts";
import {
  CheckFailure,
  Interrupted,
  isPermissionError,
  UsageError,
} from "./errors.ts";
import { LAST_CHANCE, runSteps, type Steps } from "./steps.ts";
import { fingerprint, type Manifest } from "./manifest/manifest.ts";
import { collectVersions } from "./manifest/versions.ts";
import { sha256Hex } from "./manifest/file_digest.ts";
import { checkUserMemory } from "./memory.ts";
import type { Part } from "./shard/blocks.ts";
import { PART_FILE, partManifestJson } from "./shard/part_manifest.ts";
import {
  datasetMetadata,
  type MetadataFile,
  withSums,
} from "./manifest/metadata_files.ts";

/** Options of {@linkcode runGenerate}. */
export interface GenerateOptions {
  /** The config file, loaded and validated. */
  loaded: LoadedConfig;
  /** Command-line values applied on top of the config. */
  overrides: Overrides;
  /** Replace an output folder that holds a chatsynth dataset (and nothing else). */
  force: boolean;
  /**
   * Folders the output may never replace (e.g. the config file's), besides the root,
   * the current folder and those containing it, and the home folder.
   */
  protect?: ProtectedFolder[];
  /**
   * Fingerprint the new dataset must have (`--from-manifest`); on a difference nothing
   * is moved into place and a `CheckFailure` is thrown.
   */
  expectFingerprint?: string;
  /**
   * Write part `part` of the dataset (`--shard K/N`) with `part.json` and SHA256SUMS,
   * instead of the whole dataset with its manifest.
   */
  part?: Part;
  /** Generator workers (default 1; more need `runStepsAsync`, same bytes). */
  workers?: number;
  /** Progress callback (sessions done, total). */
  onProgress?: (done: number, total: number, unit?: string) => void;
}

/** Canonical format order, whatever order the user listed them in. */
export function orderedFormats(formats: Format[]): Format[] {
  return (["raw", "star", "snowflake"] as Format[]).filter((f) =>
    formats.includes(f)
  );
}

/**
 * Build the manifest of a generated dataset.
 *
 * @param config Effective config.
 * @param configBytes The config file's bytes.
 * @param configText The config file's text.
 */
export function buildManifest(
  config: Config,
  configBytes: Uint8Array,
  configText: string,
  result: DatasetResult,
): Manifest {
  const v = collectVersions();
  const { out: _out, ...parameters } = config;
  return {
    manifest_version: 1,
    generator: v.generator,
    runtime: v.runtime,
    dependencies: v.dependencies,
    deno_lock_sha256: v.deno_lock_sha256,
    ...(Object.keys(result.writers).length ? { writers: result.writers } : {}),
    seed: config.seed,
    sessions: config.sessions,
    users: config.users,
    formats: config.formats,
    config: {
      sha256: sha256Hex(configBytes),
      text: configText,
    },
    parameters,
    counts: result.counts,
    files: result.files,
    fingerprint: fingerprint(result.files),
  };
}

/**
 * A part's metadata (`--shard K/N`): part.json (its manifest), then SHA256SUMS over
 * the part's data files and part.json.
 */
function partMetadata(manifest: Manifest, part: Part): MetadataFile[] {
  return withSums(manifest, [{
    path: PART_FILE,
    text: partManifestJson({ ...manifest, part }),
  }]);
}

/** What {@linkcode runGenerate} returns. */
export interface GenerateResult {
  /** The manifest written. */
  manifest: Manifest;
  /** The output folder it is in. */
  out: string;
  /** Warnings for stderr that did not make the run fail (e.g. leftover folders). */
  notes: string[];
}

/**
 * Generate a dataset into the output folder, atomically.
 *
 * The output folder is checked before anything is generated, and again just before
 * the new dataset is moved into place; when refused, nothing on disk is changed.
 *
 * @returns The manifest written, the output folder as given (without trailing
 *   slashes) and notes for stderr.
 * @throws {UsageError} On an unusable or protected output folder, or an I/O failure
 *   (named path), or when the users cannot fit in this process's memory (before
 *   anything is written).
 * @throws {CheckFailure} When the fingerprint differs from `expectFingerprint`.
 * @example
 * ```ts
 * import { loadConfig } from "./config/load.ts";
 * const dir = Deno.makeTempDirSync();
 * try {
 *   const out = `${dir}/dataset`;
 *   const loaded = loadConfig("config.yaml");
 *   const { manifest } = runGenerate({ loaded, overrides: { sessions: 2, users: 1, out }, force: false });
 *   // Every file the manifest lists is on disk with its size.
 *   for (const f of manifest.files) {
 *     if (Deno.statSync(`${out}/${f.path}`).size !== f.bytes) throw new Error(f.path);
 *   }
 * } finally {
 *   Deno.removeSync(dir, { recursive: true });
 * }
 * ```
 */
export function runGenerate(opts: GenerateOptions): GenerateResult {
  return runSteps(generateSteps(opts));
}

/**
 * {@linkcode runGenerate} as steps (one per 1,000 users or sessions), for a caller
 * that pauses for the event loop in between. An {@linkcode Interrupted} error thrown
 * into it at a step removes this run's staging folder (the output folder is never
 * touched before the dataset is complete) and propagates with a message saying so.
 *
 * @returns Steps that end with what {@linkcode runGenerate} returns.
 * @throws As {@linkcode runGenerate}, and {@linkcode Interrupted}.
 */
export function* generateSteps(opts: GenerateOptions): Steps<GenerateResult> {
  const config = effectiveConfig(
    opts.loaded.config,
    opts.overrides,
    opts.loaded.source,
  );
  config.formats = orderedFormats(config.formats);
  const model = compileModel(config);
  // Before the staging folder exists: a run that cannot fit leaves nothing behind.
  checkUserMemory(config.users);
  const staged = new StagedOutput(config.out, opts.force, opts.protect);
  try {
    const result = yield* datasetSteps(
      {
        model,
        seed: config.seed,
        sessions: config.sessions,
        users: config.users,
        formats: config.formats,
        encodings: config.encodings,
        part: opts.part,
        workers: opts.workers,
      },
      {
        files: (names) => names.map((r) => staged.path(r)),
        lines: (names, header) => {
          const files = names.map((r) => staged.path(r));
          try {
            return new FileSink({ names, files, header });
          } catch (e) {
            throw fsError("write", files[0], e);
          }
        },
        mkdir: (rel) => staged.mkdir(rel),
      },
      opts.onProgress,
    );
    const manifest = buildManifest(
      config,
      opts.loaded.bytes,
      opts.loaded.text,
      result,
    );
    if (
      opts.expectFingerprint !== undefined &&
      manifest.fingerprint !== opts.expectFingerprint
    ) {
      throw new CheckFailure(
        `The regenerated dataset differs from the manifest's: fingerprint ${manifest.fingerprint}, manifest says ${opts.expectFingerprint}; nothing was written (run verify on the original folder for details)`,
      );
    }
    const meta = opts.part
      ? partMetadata(manifest, opts.part)
      : datasetMetadata(manifest);
    for (const f of meta) staged.writeText(f.path, f.text);
    // An interrupt that arrived while the metadata was written still counts.
    yield LAST_CHANCE;
    staged.commit();
    const notes = [...staged.warnings];
    if (staged.leftovers.length) {
      notes.push(
        `"${staged.workRoot}" also holds ${
          counted(staged.leftovers.length, "folder")
        } of interrupted or concurrent runs (${
          staged.leftovers.join(", ")
        }); remove them when no run is writing there`,
      );
    }
    return { manifest, out: staged.given, notes };
  } catch (e) {
    staged.abort();
    if (e instanceof Interrupted) {
      throw new Interrupted(
        e.signal,
        `Interrupted by ${e.signal}: this run's unfinished files were removed and "${config.out}" was left as it was`,
      );
    }
    if (e instanceof UsageError || e instanceof CheckFailure) throw e;
    if (isPermissionError(e)) {
      throw fsError("write output folder", staged.staging, e);
    }
    if (e instanceof Error && /No space left|os error 28/.test(e.message)) {
      throw new UsageError(
        `Cannot write output folder "${staged.staging}": no space left on device`,
      );
    }
    // A file-size or quota limit (EFBIG, EDQUOT), as the OS words it.
    const limit = e instanceof Error &&
      /(File too large|Disk quota exceeded) \(os error (27|122)\)/.exec(
        e.message,
      );
    if (limit) {
      throw new UsageError(
        `Cannot write output folder "${staged.staging}": ${
          limit[1].toLowerCase()
        }`,
      );
    }
    throw e;
  }
}
