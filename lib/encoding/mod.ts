/**
 * The encodings chatsynth writes, by name, and which one a representation uses for
 * an encoding choice (docs/design.md §11). Adding an encoding is one module
 * implementing {@linkcode Encoding} plus one line in {@linkcode ENCODINGS}.
 *
 * @module
 */
import type { Encoding, EncodingName } from "./encoding.ts";
import { CSV } from "./csv.ts";
import { JSONL } from "./jsonl.ts";
import { PARQUET } from "./parquet.ts";
import type { EncodingChoice, Format } from "../config/schema.ts";

export type {
  Encoding,
  EncodingName,
  EncodingTarget,
  SharedResources,
  TableEncoder,
} from "./encoding.ts";

/**
 * Every encoding, by name.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * strictEqual(ENCODINGS.parquet.mediaType, "application/vnd.apache.parquet");
 * ```
 */
export const ENCODINGS: Readonly<Record<EncodingName, Encoding>> = {
  csv: CSV,
  jsonl: JSONL,
  parquet: PARQUET,
};

/**
 * The encoding of a representation's files under an encoding choice: `text` is JSON
 * Lines for the raw log and CSV for the star and snowflake schemas; `parquet` is
 * Parquet for all three.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * strictEqual(encodingOf("raw", "text").name, "jsonl");
 * strictEqual(encodingOf("star", "text").name, "csv");
 * strictEqual(encodingOf("raw", "parquet").name, "parquet");
 * ```
 */
export function encodingOf(rep: Format, choice: EncodingChoice): Encoding {
  if (choice === "parquet") return PARQUET;
  return rep === "raw" ? JSONL : CSV;
}

/**
 * The encoding a data file's extension names, or undefined.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * strictEqual(encodingOfPath("star/fact_turn.parquet")?.name, "parquet");
 * strictEqual(encodingOfPath("SHA256SUMS"), undefined);
 * ```
 */
export function encodingOfPath(path: string): Encoding | undefined {
  const dot = path.lastIndexOf(".");
  if (dot < 0) return undefined;
  const ext = path.slice(dot + 1);
  return Object.hasOwn(ENCODINGS, ext)
    ? ENCODINGS[ext as EncodingName]
    : undefined;
}

/**
 * The relative path of a table's file: `<representation>/<table>.<encoding>`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * strictEqual(dataPath("raw", "turns", "parquet"), "raw/turns.parquet");
 * ```
 */
export function dataPath(
  rep: Format,
  table: string,
  choice: EncodingChoice,
): string {
  return `${rep}/${table}.${encodingOf(rep, choice).name}`;
}
