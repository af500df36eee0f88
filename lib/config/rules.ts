/**
 * Cross-field rules of the configuration that a type cannot express (docs/design.md §7):
 * probabilities summing to 1, unique names, contiguous age bands, valid calendar
 * dates, references between sections, usable truncations.
 *
 * @module
 */
import { allLocales } from "@faker-js/faker";
import normalCdf from "@stdlib/stats-base-dists-normal-cdf";
import lognormalCdf from "@stdlib/stats-base-dists-lognormal-cdf";
import type { FileConfig } from "./schema.ts";
import { DAY_MS, formatIsoDate, parseIsoDate } from "../calendar/iso_date.ts";
import { countryZones, longestSessionMs } from "../model/derived.ts";
import {
  isTimeZone,
  timeZoneNames,
  utcOffsetPeriods,
} from "../calendar/time_zone.ts";
import { zoneHasIntensity } from "../calendar/local_cells.ts";
import { closestName } from "./closest.ts";
import { quoted } from "../wording.ts";
import { checkDialogueRules } from "./dialogue_rules.ts";
import type { ConfigIssue } from "./issue.ts";

export type { ConfigIssue };

/** Smallest share of a distribution a truncation may keep (rejection sampling then
 * needs about 1 / share draws; 100,000 attempts fail with probability e^−100). */
export const MIN_TRUNCATED_MASS = 1e-3;
/** Largest relative weight: sums of weights must stay far from overflow. */
export const MAX_WEIGHT = 1e12;
/** Latest day a dataset may reach (formats stay four-digit years). */
const LAST_DAY = Date.UTC(9999, 11, 31) / DAY_MS;
/** The longest session allowed, so `dim_date` stays small: one year. */
const MAX_SESSION_DAYS = 366;
/**
 * Names that would collide with JavaScript object internals in lookups; refused as
 * names, exchange ids and map keys anywhere in the config.
 */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  "__proto__",
  "constructor",
  "prototype",
]);

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
      issues.push({
        path: [...path, i],
        message: `duplicate ${what} ${quoted(n)}`,
      });
    }
    seen.add(n);
  });
}

/** A UTC offset in minutes east as text: "+05:30", "-10:40", "-00:44:30". */
function offsetText(minutes: number): string {
  const s = Math.round(Math.abs(minutes) * 60);
  const p2 = (n: number) => String(n).padStart(2, "0");
  return `${minutes < 0 ? "-" : "+"}${p2(Math.floor(s / 3600))}:${
    p2(Math.floor(s / 60) % 60)
  }${s % 60 === 0 ? "" : `:${p2(s % 60)}`}`;
}

/** "; did you mean `x`?" for the closest of `names`, or nothing. */
function didYouMean(name: string, names: string[]): string {
  const guess = closestName(name, names);
  return guess === undefined
    ? ""
    : `; did you mean \`${quoted(guess).slice(1, -1)}\`?`;
}

/**
 * Strings holding half of a UTF-16 surrogate pair (a YAML escape such as
 * `"\ud800"`): no UTF-8 encoding can write them, so JSON Lines and Parquet would
 * differ. Each is named by its path.
 */
function checkLoneSurrogates(issues: ConfigIssue[], c: FileConfig): void {
  const walk = (v: unknown, path: (string | number)[]) => {
    if (typeof v === "string") {
      if (/\p{Surrogate}/u.test(v)) {
        issues.push({
          path,
          message:
            "holds half of a surrogate pair (an unpaired \\ud800-\\udfff escape), which no UTF-8 file can hold",
        });
      }
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    }
  };
  walk(c, []);
}

/**
 * Check the rules a parsed, well-typed config must also satisfy.
 *
 * @param c A config that already passed `configSchema`.
 * @returns Every violation found (empty when the config is usable), in the order of
 *   the checks below.
 *
 * @example
 * ```ts
 * import { parseConfig } from "./load.ts";
 * const c = parseConfig(Deno.readTextFileSync("config.yaml"), "config.yaml");
 * if (checkConfigRules(c).length !== 0) throw new Error("config.yaml breaks a rule");
 * // The same config listing a format twice: one issue, at `formats`.
 * const issues = checkConfigRules({ ...c, formats: ["raw", "raw"] });
 * if (issues[0]?.path.join(".") !== "formats") throw new Error(JSON.stringify(issues));
 * ```
 */
export function checkConfigRules(c: FileConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (c.formats && new Set(c.formats).size !== c.formats.length) {
    issues.push({ path: ["formats"], message: "lists a format twice" });
  }
  if (c.encodings && new Set(c.encodings).size !== c.encodings.length) {
    issues.push({ path: ["encodings"], message: "lists an encoding twice" });
  }
  checkLoneSurrogates(issues, c);
  const { start, end } = checkDates(issues, c);
  checkCalendarWeights(issues, c);
  checkAges(issues, c.population);
  checkDevicesAndCountries(issues, c.population);
  const longest = longestSessionMs(c);
  const knownZones = checkTimeZones(issues, c, start, end, longest);
  checkZoneIntensity(issues, c, start, end, knownZones);
  checkTenure(issues, c, start);
  checkChannels(issues, c);
  checkSessionLength(issues, c, end, longest);
  checkUnique(issues, ["intents"], c.intents.map((i) => i.name), "intent");
  checkReservedNames(issues, c);
  issues.push(...checkDialogueRules(c));
  return issues;
}

/** A population section of the config. */
type Population = FileConfig["population"];

/**
 * `reference_date`, `calendar.start` and `calendar.end`: calendar dates, from
 * 1970-01-01, start not after end. Returns the two epoch days (undefined when not a date).
 */
function checkDates(
  issues: ConfigIssue[],
  c: FileConfig,
): { start: number | undefined; end: number | undefined } {
  const ref = parseIsoDate(c.reference_date);
  if (ref === undefined) {
    issues.push({
      path: ["reference_date"],
      message: `${quoted(c.reference_date)} is not a calendar date`,
    });
  } else if (ref < 0) {
    issues.push({
      path: ["reference_date"],
      message: `must be 1970-01-01 or later, got ${c.reference_date}`,
    });
  }
  const start = parseIsoDate(c.calendar.start);
  const end = parseIsoDate(c.calendar.end);
  if (start === undefined) {
    issues.push({
      path: ["calendar", "start"],
      message: `${quoted(c.calendar.start)} is not a calendar date`,
    });
  }
  if (end === undefined) {
    issues.push({
      path: ["calendar", "end"],
      message: `${quoted(c.calendar.end)} is not a calendar date`,
    });
  }
  if (start !== undefined && start < 0) {
    issues.push({
      path: ["calendar", "start"],
      message: `must be 1970-01-01 or later, got ${c.calendar.start}`,
    });
  }
  if (start !== undefined && end !== undefined && start > end) {
    issues.push({
      path: ["calendar", "end"],
      message: `must not be before calendar.start (${c.calendar.start})`,
    });
  }
  return { start, end };
}

/** Hour and weekday weights: relative, bounded, not all hours 0. */
function checkCalendarWeights(issues: ConfigIssue[], c: FileConfig): void {
  c.calendar.hour_weights.forEach((w, i) => {
    if (w > MAX_WEIGHT) {
      issues.push({
        path: ["calendar", "hour_weights", i],
        message: `weights are relative: use at most ${MAX_WEIGHT}, got ${w}`,
      });
    }
  });
  for (const [k, w] of Object.entries(c.calendar.weekday_weights)) {
    if (w > MAX_WEIGHT) {
      issues.push({
        path: ["calendar", "weekday_weights", k],
        message: `weights are relative: use at most ${MAX_WEIGHT}, got ${w}`,
      });
    }
  }
  if (!c.calendar.hour_weights.some((w) => w > 0)) {
    issues.push({
      path: ["calendar", "hour_weights"],
      message: "all weights are 0: no hour can hold a session",
    });
  }
}

/** The age range holds enough of its normal; age bands sorted, contiguous, unique. */
function checkAges(issues: ConfigIssue[], p: Population): void {
  if (p.age.min < 0) {
    issues.push({
      path: ["population", "age", "min"],
      message: `must be >= 0, got ${p.age.min}`,
    });
  } else if (p.age.min > p.age.max) {
    issues.push({
      path: ["population", "age", "max"],
      message: `must be >= age.min (${p.age.min}), got ${p.age.max}`,
    });
  } else {
    const mass = normalCdf(p.age.max + 1, p.age.mean, p.age.sd) -
      normalCdf(p.age.min, p.age.mean, p.age.sd);
    if (!(mass >= MIN_TRUNCATED_MASS)) {
      issues.push({
        path: ["population", "age"],
        message: `[min, max + 1) holds ${
          mass.toPrecision(2)
        } of Normal(mean, sd); it must hold at least ${MIN_TRUNCATED_MASS}`,
      });
    }
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
}

/** Devices and countries: probabilities summing to 1, unique names, Faker locales. */
function checkDevicesAndCountries(issues: ConfigIssue[], p: Population): void {
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
    if (!Object.hasOwn(allLocales, ctry.locale)) {
      issues.push({
        path: ["population", "countries", i, "locale"],
        message: `${
          quoted(ctry.locale)
        } is not a Faker locale (e.g. en_US, de, pt_BR)`,
      });
    }
  });
}

/**
 * Each country's time zone(s): one form, IANA names, offsets in whole 15 minutes over
 * the instants the dataset may use, bounded weights, no zone twice. Returns the
 * valid zone names met (with repeats).
 */
function checkTimeZones(
  issues: ConfigIssue[],
  c: FileConfig,
  start: number | undefined,
  end: number | undefined,
  longest: number,
): string[] {
  const zoneNames = timeZoneNames();
  const knownZones: string[] = [];
  // The instants whose offsets the dataset may use: from the day before the
  // calendar (a local date west of UTC) to the end of its longest session.
  const offsetRange = start !== undefined && end !== undefined && start <= end
    ? [
      (start - 1) * DAY_MS,
      (end + 1) * DAY_MS +
      (longest <= MAX_SESSION_DAYS * DAY_MS
        ? longest
        : MAX_SESSION_DAYS * DAY_MS),
    ]
    : undefined;
  c.population.countries.forEach((ctry, i) => {
    const at = ["population", "countries", i];
    if (ctry.time_zone !== undefined && ctry.time_zones !== undefined) {
      issues.push({
        path: [...at, "time_zones"],
        message:
          `give either time_zone or time_zones, not both (${ctry.code} has time_zone ${
            quoted(ctry.time_zone)
          })`,
      });
      return;
    }
    if (ctry.time_zone === undefined && ctry.time_zones === undefined) {
      issues.push({
        path: at,
        message:
          `${ctry.code} needs a time_zone (e.g. "Europe/Berlin") or a weighted time_zones list`,
      });
      return;
    }
    const zonePath = (j: number) =>
      ctry.time_zones === undefined
        ? [...at, "time_zone"]
        : [...at, "time_zones", j, "zone"];
    countryZones(ctry).forEach((z, j) => {
      if (!isTimeZone(z.zone)) {
        issues.push({
          path: zonePath(j),
          message: `${quoted(z.zone)} is not an IANA time zone${
            didYouMean(z.zone, zoneNames)
          }`,
        });
      } else {
        knownZones.push(z.zone);
        // Start cells are 15 minutes of UTC: each needs one local hour and weekday.
        const bad = offsetRange &&
          utcOffsetPeriods(z.zone, offsetRange[0], offsetRange[1]).find((o) =>
            o.offsetMinutes % 15 !== 0
          );
        if (bad) {
          issues.push({
            path: zonePath(j),
            message: `${z.zone} (${ctry.code}) is UTC${
              offsetText(bad.offsetMinutes)
            } on ${
              formatIsoDate(Math.floor(bad.fromMs / DAY_MS))
            }, not a whole multiple of 15 minutes, which every offset must be from ${
              formatIsoDate(offsetRange![0] / DAY_MS)
            } (calendar.start − 1 day) to ${
              formatIsoDate(Math.floor(offsetRange![1] / DAY_MS))
            } (calendar.end + the longest session)`,
          });
        }
      }
      if (z.weight > MAX_WEIGHT) {
        issues.push({
          path: [...at, "time_zones", j, "weight"],
          message:
            `weights are relative: use at most ${MAX_WEIGHT}, got ${z.weight}`,
        });
      }
    });
    if (ctry.time_zones !== undefined) {
      checkUnique(
        issues,
        [...at, "time_zones"],
        ctry.time_zones.map((z) => z.zone),
        "time zone",
      );
    }
  });
  return knownZones;
}

/** Every valid zone has some local hour and weekday of positive weight in the calendar. */
function checkZoneIntensity(
  issues: ConfigIssue[],
  c: FileConfig,
  start: number | undefined,
  end: number | undefined,
  knownZones: string[],
): void {
  if (
    start !== undefined && end !== undefined && start <= end &&
    c.calendar.hour_weights.some((w) => w > 0)
  ) {
    // Every zone needs some local hour and weekday of positive weight in the range.
    for (const zone of new Set(knownZones)) {
      if (!zoneHasIntensity(c.calendar, start, end, zone)) {
        issues.push({
          path: ["calendar", "weekday_weights"],
          message:
            `no local hour from ${c.calendar.start} to ${c.calendar.end} in ${zone} has positive hour and weekday weight: its users' sessions cannot start`,
        });
        break;
      }
    }
  }
}

/** Tenure: its truncation holds enough of the lognormal; no signup before 1970. */
function checkTenure(
  issues: ConfigIssue[],
  c: FileConfig,
  start: number | undefined,
): void {
  const p = c.population;
  const t = p.tenure_days;
  const tenureMass = lognormalCdf(t.max_days + 1, t.mu, t.sigma);
  if (!(tenureMass >= MIN_TRUNCATED_MASS)) {
    issues.push({
      path: ["population", "tenure_days", "max_days"],
      message: `[0, max_days + 1) holds ${
        tenureMass.toPrecision(2)
      } of Lognormal(mu, sigma); it must hold at least ${MIN_TRUNCATED_MASS}`,
    });
  }
  if (start !== undefined && start - t.max_days < 0) {
    issues.push({
      path: ["population", "tenure_days", "max_days"],
      message:
        `signups could fall before 1970-01-01 (calendar.start ${c.calendar.start} − ${t.max_days} days)`,
    });
  }
}

/** Channels unique; `channel_given_device` has a row per device, known names, sums of 1. */
function checkChannels(issues: ConfigIssue[], c: FileConfig): void {
  const p = c.population;
  const channelNames = c.channels.map((ch) => ch.name);
  checkUnique(issues, ["channels"], channelNames, "channel");
  const deviceNames = p.devices.map((d) => d.name);
  for (const d of deviceNames) {
    if (!Object.hasOwn(c.channel_given_device, d)) {
      issues.push({
        path: ["channel_given_device"],
        message: `has no row for device ${quoted(d)}`,
      });
    }
  }
  for (const [d, row] of Object.entries(c.channel_given_device)) {
    if (!deviceNames.includes(d)) {
      issues.push({
        path: ["channel_given_device", d],
        message: `${quoted(d)} is not a device in population.devices${
          didYouMean(d, deviceNames)
        }`,
      });
      continue;
    }
    for (const ch of Object.keys(row)) {
      if (!channelNames.includes(ch)) {
        issues.push({
          path: ["channel_given_device", d, ch],
          message: `${quoted(ch)} is not a channel in channels${
            didYouMean(ch, channelNames)
          }`,
        });
      }
    }
    checkSum(issues, ["channel_given_device", d], Object.values(row));
  }
}

/** The longest possible session fits in a year and ends by 9999-12-31. */
function checkSessionLength(
  issues: ConfigIssue[],
  c: FileConfig,
  end: number | undefined,
  longest: number,
): void {
  if (!(longest <= MAX_SESSION_DAYS * DAY_MS)) {
    issues.push({
      path: ["turns"],
      message:
        `the longest possible session (turns.count.max × the largest latency and think time) is ${
          (longest / DAY_MS).toPrecision(3)
        } days; it must stay within ${MAX_SESSION_DAYS} (lower sigma, mu, latency_multiplier or count.max)`,
    });
  } else if (
    end !== undefined && end + Math.ceil(longest / DAY_MS) > LAST_DAY
  ) {
    issues.push({
      path: ["calendar", "end"],
      message:
        `sessions could run past 9999-12-31; end earlier than ${c.calendar.end}`,
    });
  }
}

/** No name, label or exchange id is one of {@linkcode RESERVED_NAMES}. */
function checkReservedNames(issues: ConfigIssue[], c: FileConfig): void {
  const p = c.population;
  const named: [(string | number)[], string][] = [
    ...p.devices.map((d, i) => [["population", "devices", i, "name"], d.name]),
    ...p.devices.map((
      d,
      i,
    ) => [["population", "devices", i, "platform"], d.platform]),
    ...p.countries.map((
      d,
      i,
    ) => [["population", "countries", i, "region"], d.region]),
    ...p.age_bands.map((
      d,
      i,
    ) => [["population", "age_bands", i, "label"], d.label]),
    ...c.channels.map((d, i) => [["channels", i, "name"], d.name]),
    ...c.channels.map((d, i) => [["channels", i, "type"], d.type]),
    ...c.intents.map((d, i) => [["intents", i, "name"], d.name]),
    ...c.intents.map((d, i) => [["intents", i, "category"], d.category]),
    ...c.dialogue.exchanges.map((
      d,
      i,
    ) => [["dialogue", "exchanges", i, "id"], d.id]),
  ] as [(string | number)[], string][];
  for (const [path, name] of named) {
    if (RESERVED_NAMES.has(name)) {
      issues.push({
        path,
        message: `${quoted(name)} is reserved; choose another name`,
      });
    }
  }
}
