/**
 * Cross-field rules of the configuration that a type cannot express (SPEC.md §8):
 * probabilities summing to 1, unique names, contiguous age bands, valid calendar
 * dates, references between sections, usable truncations.
 *
 * @module
 */
import { allLocales } from "@faker-js/faker";
import type { Config } from "./schema.ts";
import { parseIsoDate } from "../calendar/iso_date.ts";

/** A rule violation: the key path in the config and what is wrong. */
export interface ConfigIssue {
  /** Key path, e.g. `["population", "devices", 1, "probability"]`. */
  path: (string | number)[];
  /** One sentence fragment, e.g. "probabilities must sum to 1, got 0.98". */
  message: string;
}

/** Tolerance for a probability sum (absolute). */
export const SUM_TOLERANCE = 1e-9;

function checkSum(
  issues: ConfigIssue[],
  path: (string | number)[],
  values: number[],
): void {
  const sum = values.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > SUM_TOLERANCE) {
    issues.push({
      path,
      message: `probabilities must sum to 1, got ${Number(sum.toFixed(12))}`,
    });
  }
}

function checkUnique(
  issues: ConfigIssue[],
  path: (string | number)[],
  names: string[],
  what: string,
): void {
  const seen = new Set<string>();
  names.forEach((n, i) => {
    if (seen.has(n)) {
      issues.push({ path: [...path, i], message: `duplicate ${what} "${n}"` });
    }
    seen.add(n);
  });
}

/**
 * Check the rules a parsed, well-typed config must also satisfy.
 *
 * @param c A config that already passed `configSchema`.
 * @returns Every violation found (empty when the config is usable).
 */
export function checkConfigRules(c: Config): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const uniqueFormats = new Set(c.formats);
  if (uniqueFormats.size !== c.formats.length) {
    issues.push({ path: ["formats"], message: "lists a format twice" });
  }

  for (const key of ["reference_date"] as const) {
    if (parseIsoDate(c[key]) === undefined) {
      issues.push({
        path: [key],
        message: `"${c[key]}" is not a calendar date`,
      });
    }
  }
  const start = parseIsoDate(c.calendar.start);
  const end = parseIsoDate(c.calendar.end);
  if (start === undefined) {
    issues.push({
      path: ["calendar", "start"],
      message: `"${c.calendar.start}" is not a calendar date`,
    });
  }
  if (end === undefined) {
    issues.push({
      path: ["calendar", "end"],
      message: `"${c.calendar.end}" is not a calendar date`,
    });
  }
  if (start !== undefined && end !== undefined && start > end) {
    issues.push({
      path: ["calendar", "end"],
      message: `must not be before calendar.start (${c.calendar.start})`,
    });
  }
  if (!c.calendar.hour_weights.some((w) => w > 0)) {
    issues.push({
      path: ["calendar", "hour_weights"],
      message: "all weights are 0: no hour can hold a session",
    });
  }
  if (!Object.values(c.calendar.weekday_weights).some((w) => w > 0)) {
    issues.push({
      path: ["calendar", "weekday_weights"],
      message: "all weights are 0: no day can hold a session",
    });
  }

  const p = c.population;
  if (p.age.min > p.age.max) {
    issues.push({
      path: ["population", "age", "max"],
      message: `must be >= age.min (${p.age.min}), got ${p.age.max}`,
    });
  } else if (
    (p.age.min - p.age.mean) / p.age.sd > 6 ||
    (p.age.max + 1 - p.age.mean) / p.age.sd < -6
  ) {
    issues.push({
      path: ["population", "age"],
      message: "the range [min, max] lies more than 6 sd from the mean",
    });
  }
  let expectMin = p.age.min;
  p.age_bands.forEach((b, i) => {
    if (b.min > b.max) {
      issues.push({
        path: ["population", "age_bands", i, "max"],
        message: `must be >= min (${b.min}), got ${b.max}`,
      });
    }
    if (b.min !== expectMin) {
      issues.push({
        path: ["population", "age_bands", i, "min"],
        message:
          `bands must be sorted and contiguous from age.min: expected ${expectMin}, got ${b.min}`,
      });
    }
    expectMin = b.max + 1;
  });
  const lastBand = p.age_bands[p.age_bands.length - 1];
  if (lastBand && lastBand.max !== p.age.max) {
    issues.push({
      path: ["population", "age_bands", p.age_bands.length - 1, "max"],
      message:
        `the last band must end at age.max (${p.age.max}), got ${lastBand.max}`,
    });
  }
  checkUnique(
    issues,
    ["population", "age_bands"],
    p.age_bands.map((b) => b.label),
    "age band",
  );

  checkSum(
    issues,
    ["population", "devices"],
    p.devices.map((d) => d.probability),
  );
  checkUnique(
    issues,
    ["population", "devices"],
    p.devices.map((d) => d.name),
    "device",
  );
  checkSum(
    issues,
    ["population", "countries"],
    p.countries.map((d) => d.probability),
  );
  checkUnique(
    issues,
    ["population", "countries"],
    p.countries.map((d) => d.code),
    "country code",
  );
  p.countries.forEach((ctry, i) => {
    if (!(ctry.locale in allLocales)) {
      issues.push({
        path: ["population", "countries", i, "locale"],
        message:
          `"${ctry.locale}" is not a Faker locale (e.g. en_US, de, pt_BR)`,
      });
    }
  });
  if (
    Math.log(p.tenure_days.max_days + 1) - p.tenure_days.mu <
      -6 * p.tenure_days.sigma
  ) {
    issues.push({
      path: ["population", "tenure_days", "max_days"],
      message: "the range [0, max_days] holds almost none of the lognormal",
    });
  }

  const channelNames = c.channels.map((ch) => ch.name);
  checkUnique(issues, ["channels"], channelNames, "channel");
  const deviceNames = p.devices.map((d) => d.name);
  for (const d of deviceNames) {
    if (!(d in c.channel_given_device)) {
      issues.push({
        path: ["channel_given_device"],
        message: `has no row for device "${d}"`,
      });
    }
  }
  for (const [d, row] of Object.entries(c.channel_given_device)) {
    if (!deviceNames.includes(d)) {
      issues.push({
        path: ["channel_given_device", d],
        message: `"${d}" is not a device in population.devices`,
      });
      continue;
    }
    for (const ch of Object.keys(row)) {
      if (!channelNames.includes(ch)) {
        issues.push({
          path: ["channel_given_device", d, ch],
          message: `"${ch}" is not a channel in channels`,
        });
      }
    }
    checkSum(issues, ["channel_given_device", d], Object.values(row));
  }

  if (c.turns.count.max < 1) {
    issues.push({ path: ["turns", "count", "max"], message: "must be >= 1" });
  }
  checkSum(issues, ["intents"], c.intents.map((i) => i.probability));
  checkUnique(issues, ["intents"], c.intents.map((i) => i.name), "intent");
  return issues;
}
