/**
 * `datapackage.json`: the dataset as a Frictionless Data Package v2
 * (https://datapackage.org/standard/data-package/): every table with its fields,
 * types, primary and foreign keys, and each file's `sha256:` hash (docs/design.md §5.5). Built
 * from the manifest and `lib/schema/tables.ts` alone, so it is deterministic and
 * `verify` can recompute it.
 *
 * @module
 */
import type { Manifest } from "./manifest.ts";
import type { Table } from "../schema/table.ts";
import { RAW_TURN, SNOWFLAKE_TABLES, STAR_TABLES } from "../schema/tables.ts";
import { listed } from "../wording.ts";
import { encodingOfPath } from "../encoding/mod.ts";

const REPRESENTATION: Record<string, string> = {
  raw: "raw JSONL logs",
  star: "a star schema",
  snowflake: "a snowflake schema",
};

/** The formats in words: "raw JSONL logs, a star schema and a snowflake schema". */
function representations(formats: readonly string[]): string {
  return listed(formats.map((f) => REPRESENTATION[f] ?? f));
}

/** Profiles of Data Package v2. */
const PROFILE = {
  package: "https://datapackage.org/profiles/2.0/datapackage.json",
  resource: "https://datapackage.org/profiles/2.0/dataresource.json",
  schema: "https://datapackage.org/profiles/2.0/tableschema.json",
  dialect: "https://datapackage.org/profiles/2.0/tabledialect.json",
};

function resourceName(path: string): string {
  // Text files (CSV, JSON Lines) keep their plain names; a copy of the same table
  // in another encoding is told apart by its suffix (both may be present).
  return path.replace(/\.(csv|jsonl)$/, "").replace(/\.([a-z0-9]+)$/, "-$1")
    .replace("/", "-").replaceAll("_", "-");
}

function fields(t: Table) {
  return t.columns.map((c) => ({
    name: c.name,
    type: c.type,
    description: c.unit ? `${c.description} (unit: ${c.unit})` : c.description,
    ...(c.type === "boolean"
      ? { trueValues: ["true"], falseValues: ["false"] }
      : {}),
    constraints: c.unique
      ? { required: true, unique: true }
      : { required: true },
  }));
}

function tableOf(path: string): Table | undefined {
  const [folder, file] = path.split("/");
  const name = file.replace(/\.[^.]*$/, "");
  if (folder === "raw") return name === RAW_TURN.name ? RAW_TURN : undefined;
  const tables = folder === "star"
    ? STAR_TABLES
    : folder === "snowflake"
    ? SNOWFLAKE_TABLES
    : [];
  return tables.find((t) => t.name === name);
}

/**
 * The Data Package of a dataset.
 *
 * @param m The dataset's manifest.
 * @returns A JSON-serializable object. It has no `created` (the run time never enters
 *   a dataset); `chatsynth:reference_date` records the config's `reference_date`, the
 *   fixed date Faker and the calendar use.
 *
 * @example
 * ```ts
 * import { runCli } from "../cli/run.ts";
 * import { readManifest } from "./read_manifest.ts";
 * const dir = Deno.makeTempDirSync();
 * try {
 *   const out = `${dir}/dataset`;
 *   const argv = ["generate", "-q", "--sessions", "2", "--users", "1", "--out", out];
 *   if (await runCli(argv) !== 0) throw new Error("Generation failed");
 *   const pkg = dataPackage(readManifest(out).manifest);
 *   // Every resource is a file of the dataset.
 *   for (const r of pkg.resources as { path: string }[]) {
 *     if (!Deno.statSync(`${out}/${r.path}`).isFile) throw new Error(r.path);
 *   }
 * } finally {
 *   Deno.removeSync(dir, { recursive: true });
 * }
 * ```
 */
export function dataPackage(m: Manifest): Record<string, unknown> {
  const resources = m.files.map((f) => {
    const t = tableOf(f.path);
    const folder = f.path.split("/")[0];
    const enc = encodingOfPath(f.path);
    const csv = enc?.name === "csv";
    const ext = f.path.slice(f.path.lastIndexOf("."));
    const base = {
      $schema: PROFILE.resource,
      name: resourceName(f.path),
      path: f.path,
      type: "table",
      format: enc?.format ?? "csv",
      mediatype: enc?.mediaType ?? "text/csv",
      ...(enc?.name === "parquet" ? {} : { encoding: "utf-8" }),
      bytes: f.bytes,
      hash: `sha256:${f.sha256}`,
    };
    if (!t) return base;
    return {
      ...base,
      ...(t.grain ? { description: t.grain } : {}),
      ...(!csv ? {} : {
        dialect: {
          $schema: PROFILE.dialect,
          header: true,
          delimiter: ",",
          lineTerminator: "\n",
          quoteChar: '"',
          doubleQuote: true,
        },
      }),
      schema: {
        $schema: PROFILE.schema,
        fields: fields(t),
        primaryKey: t.primaryKey,
        ...(t.foreignKeys.length
          ? {
            foreignKeys: t.foreignKeys.map((k) => ({
              fields: k.fields,
              reference: {
                resource: resourceName(`${folder}/${k.table}${ext}`),
                fields: k.references,
              },
            })),
          }
          : {}),
      },
    };
  });
  return {
    $schema: PROFILE.package,
    name: `chatsynth-${m.fingerprint.slice(0, 12)}`,
    title: "chatsynth synthetic chatbot conversations",
    description:
      `Synthetic chatbot sessions (seed ${m.seed}, ${m.sessions} sessions, ${m.users} users) as ${
        representations(m.formats)
      }. Dataset fingerprint ${m.fingerprint}.`,
    version: m.generator.version,
    // Not `created`: the config's fixed reference date is not when the data was made,
    // and the run time never enters a dataset. A custom property says what it is.
    "chatsynth:reference_date":
      (m.parameters as { reference_date: string }).reference_date,
    licenses: [{
      name: "CC0-1.0",
      path: "https://creativecommons.org/publicdomain/zero/1.0/",
      title: "Creative Commons Zero v1.0 Universal (synthetic data)",
    }],
    contributors: [{
      title: `${m.generator.name} ${m.generator.version}`,
      roles: ["creator"],
    }],
    resources,
  };
}

/** `datapackage.json` text: two-space JSON, LF, trailing newline. */
export function dataPackageJson(m: Manifest): string {
  return JSON.stringify(dataPackage(m), null, 2) + "\n";
}
