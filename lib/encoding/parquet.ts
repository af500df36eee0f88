/** Placeholder until the Parquet encoder lands. @module */
import type { Encoding } from "./encoding.ts";
import { stepsOf } from "../steps.ts";
/** Parquet (not yet implemented). */
export const PARQUET: Encoding = {
  name: "parquet",
  format: "parquet",
  mediaType: "application/vnd.apache.parquet",
  writerVersion: () => stepsOf(undefined),
  // deno-lint-ignore require-yield
  *open() {
    throw new Error("Parquet is not implemented yet");
  },
};
