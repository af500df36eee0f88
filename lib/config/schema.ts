/**
 * The typed schema of `config.yaml` (docs/design.md §3, §7): shapes and types via zod; the
 * cross-field rules (sums, ranges, references) live in `rules.ts`.
 *
 * @module
 */
import { z } from "zod";
import { ACT_NAMES, EXCHANGE_ROLES } from "../model/dialogue_acts.ts";
import { MAX_SEED } from "../random/unit_key.ts";

export { MAX_SEED };

/** Largest session count (`sessions`, `--sessions`). */
export const MAX_SESSIONS = 100_000_000_000;

/** Largest user count (`users`, `--users`). */
export const MAX_USERS = 100_000_000;

/** Output representations (docs/design.md §5). */
export const FORMATS = ["raw", "star", "snowflake"] as const;
/** One output representation. */
export type Format = typeof FORMATS[number];
/**
 * Encodings of the files (docs/design.md §11): `text` (raw JSONL, star and snowflake
 * CSV) and `parquet` (every table as Parquet).
 */
export const ENCODING_CHOICES = ["text", "parquet"] as const;
/** One encoding choice. */
export type EncodingChoice = typeof ENCODING_CHOICES[number];
/** ISO weekday names, Monday first (ISO 8601 weekday 1..7). */
export const WEEKDAYS = [
  "Mon",
  "Tue",
  "Wed",
  "Thu",
  "Fri",
  "Sat",
  "Sun",
] as const;

const num = z.number({ error: "must be a number" });
const positive = num.gt(0, { error: "must be > 0" });
const nonNegative = num.gte(0, { error: "must be >= 0" });
const probability = num.gte(0, { error: "must be >= 0" }).lte(1, {
  error: "must be <= 1",
});
const int = z.number({ error: "must be an integer" }).int({
  // zod's int() also rejects integers beyond the safe range (too_big / too_small).
  error: (iss) =>
    iss.code === "too_big"
      ? `must be <= ${Number.MAX_SAFE_INTEGER}`
      : iss.code === "too_small"
      ? `must be >= ${Number.MIN_SAFE_INTEGER}`
      : "must be an integer",
});
const count = int.gte(1, { error: "must be >= 1" });
const text = z.string({ error: "must be a string" }).min(1, {
  error: "must not be empty",
});
const isoDate = z.string({ error: 'must be a quoted date "YYYY-MM-DD"' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: "must be a date YYYY-MM-DD" });
const lognormalParams = z.strictObject({ mu: num, sigma: positive });

/**
 * The keys a command-line flag of the same name can supply (`--seed`, `--sessions`,
 * `--users`, `--out`, `--formats`): optional in the file, required in the effective
 * config.
 */
export const FLAG_KEYS = [
  "seed",
  "sessions",
  "users",
  "out",
  "formats",
] as const;
/** One key a command-line flag can supply. */
export type FlagKey = typeof FLAG_KEYS[number];

/**
 * zod schema of the whole file; unknown keys are errors everywhere. The
 * {@linkcode FLAG_KEYS} are optional here (a flag may give them instead).
 *
 * @internal Read by `load.ts` only (use `parseConfig`). Its type stays zod's inferred
 *   one: {@linkcode FileConfig} and {@linkcode Config} are derived from it.
 */
export const configSchema = z.strictObject({
  seed: int.gte(0, { error: "must be >= 0" }).lte(MAX_SEED, {
    error: `must be <= ${MAX_SEED}`,
  }).optional(),
  sessions: count.lte(MAX_SESSIONS, { error: `must be <= ${MAX_SESSIONS}` })
    .optional(),
  users: count.lte(MAX_USERS, { error: `must be <= ${MAX_USERS}` }).optional(),
  out: text.optional(),
  formats: z.array(z.enum(FORMATS, { error: "must be raw, star or snowflake" }))
    .min(1, { error: "must not be empty" }).optional(),
  encodings: z.array(
    z.enum(ENCODING_CHOICES, { error: "must be text or parquet" }),
  ).min(1, { error: "must not be empty" }).optional(),
  reference_date: isoDate,
  calendar: z.strictObject({
    start: isoDate,
    end: isoDate,
    hour_weights: z.array(nonNegative).length(24, {
      error: "must have 24 entries (hours 00..23)",
    }),
    weekday_weights: z.strictObject({
      Mon: nonNegative,
      Tue: nonNegative,
      Wed: nonNegative,
      Thu: nonNegative,
      Fri: nonNegative,
      Sat: nonNegative,
      Sun: nonNegative,
    }),
  }),
  population: z.strictObject({
    age: z.strictObject({ mean: num, sd: positive, min: int, max: int }),
    age_bands: z.array(
      z.strictObject({ label: text, min: int, max: int }),
    ).min(1, { error: "must not be empty" }),
    devices: z.array(
      z.strictObject({ name: text, platform: text, probability }),
    ).min(1, { error: "must not be empty" }),
    countries: z.array(
      z.strictObject({
        code: z.string().regex(/^[A-Z]{2}$/, {
          error: "must be a two-letter ISO 3166 code in capitals",
        }),
        name: text,
        region: text,
        locale: text,
        currency: z.strictObject({
          symbol: text,
          position: z.enum(["before", "after"], {
            error: "must be before or after",
          }),
          space: z.boolean({ error: "must be true or false" }).optional(),
          decimal: text,
          group: z.string({ error: "must be a string" }),
        }),
        probability,
        time_zone: text.optional(),
        time_zones: z.array(
          z.strictObject({ zone: text, weight: positive }),
        ).min(1, { error: "must not be empty" }).optional(),
      }),
    ).min(1, { error: "must not be empty" }),
    tenure_days: z.strictObject({
      mu: num,
      sigma: positive,
      max_days: int.gte(0, { error: "must be >= 0" }),
    }),
    activity_shape: positive,
  }),
  channels: z.array(
    z.strictObject({
      name: text,
      type: text,
      latency_multiplier: positive.lte(1000, { error: "must be <= 1000" }),
    }),
  ).min(1, { error: "must not be empty" }),
  channel_given_device: z.record(z.string(), z.record(z.string(), probability)),
  turns: z.strictObject({
    count: z.strictObject({
      mean: num.gt(1, { error: "must be > 1" }).lte(1_000_000, {
        error: "must be <= 1000000",
      }),
      max: count.lte(10_000, { error: "must be <= 10000" }),
    }),
    think_time_ms: lognormalParams,
  }),
  intents: z.array(
    z.strictObject({
      name: text,
      category: text,
      description: text,
      goal_probability: probability.optional(),
      confidence: z.strictObject({ alpha: positive, beta: positive }),
    }),
  ).min(1, { error: "must not be empty" }),
  fallback: z.strictObject({ threshold: probability, noise_sd: nonNegative }),
  latency_ms: lognormalParams,
  outcomes: z.strictObject({
    sentiment: z.strictObject({
      intercept: num,
      confidence_weight: num,
      confidence_center: probability,
      fallback_weight: num,
      noise_sd: nonNegative,
      label_cutoff: nonNegative,
    }),
    satisfaction: z.strictObject({
      intercept: num,
      sentiment_weight: num,
      escalation_penalty: num,
      noise_sd: nonNegative,
    }),
    escalation_consecutive_fallbacks: count.lte(20, { error: "must be <= 20" }),
    resolution_probability: probability,
  }),
  dialogue: z.strictObject({
    social_intent: text,
    escalation_intent: text,
    greet_probability: probability,
    close_probability: probability,
    escalate_probability: probability,
    switch_probability: probability,
    leave_after_fallback: probability,
    exchanges: z.array(
      z.strictObject({
        id: text,
        role: z.enum(EXCHANGE_ROLES, {
          error: `must be one of ${EXCHANGE_ROLES.join(", ")}`,
        }),
        intent: text.optional(),
        user_act: z.enum(ACT_NAMES as [string, ...string[]], {
          error: "must be a dialogue act (docs/design.md §3.13)",
        }),
        bot_act: z.enum(ACT_NAMES as [string, ...string[]], {
          error: "must be a dialogue act (docs/design.md §3.13)",
        }),
        then: text.optional(),
      }),
    ).min(1, { error: "must not be empty" }),
    text: z.record(
      z.string(),
      z.strictObject({
        fallback: z.array(text).min(1, { error: "must not be empty" }),
        handoff: z.array(text).min(1, { error: "must not be empty" }),
        date: z.strictObject({
          months: z.array(text).length(12, {
            error: "must have 12 entries (January..December)",
          }),
          format: text,
        }),
        exchanges: z.record(
          z.string(),
          z.strictObject({
            user: z.array(text).min(1, { error: "must not be empty" }),
            bot: z.array(text).min(1, { error: "must not be empty" }),
          }),
        ),
      }),
    ),
  }),
});

/**
 * zod's output type of {@linkcode configSchema}. Internal only because `deno doc
 * --lint` reports every npm type as a private type (denoland/deno#27364).
 *
 * @internal
 */
type ConfigOutput = z.infer<typeof configSchema>;

/**
 * A validated config file: every parameter of the model (docs/design.md §3); the {@linkcode FLAG_KEYS}
 * may be missing (a command-line flag then supplies them).
 *
 * @example
 * ```ts
 * import { parseConfig } from "./load.ts";
 * const text = Deno.readTextFileSync("config.yaml").replace(/^formats:.*$/m, "");
 * const c: FileConfig = parseConfig(text, "config.yaml");
 * if (c.formats !== undefined) throw new Error("formats is optional: a flag may give it");
 * if (!c.intents.every((i) => typeof i.name === "string")) throw new Error("Intent names");
 * ```
 */
export type FileConfig = ConfigOutput;

/**
 * The effective configuration: a {@linkcode FileConfig} with the command-line
 * overrides applied, so that the {@linkcode FLAG_KEYS} are all present.
 */
export type Config =
  & Omit<ConfigOutput, FlagKey | "encodings">
  & { [K in FlagKey]-?: NonNullable<ConfigOutput[K]> }
  & { encodings: EncodingChoice[] };
