/**
 * Placeholder: concatenation of Parquet parts (being written).
 *
 * @module
 */
import type { SinkResult } from "../sink/file_sink.ts";

/** Concatenate Parquet part files into `out` (not yet available). */
export function concatParquet(
  parts: string[],
  out: string,
  names: string[],
): SinkResult {
  throw new Error(
    `Cannot merge ${
      names[0]
    } from ${parts.length} parts into ${out}: Parquet concatenation is not available yet`,
  );
}
