/**
 * The compiled model: the validated config turned into sampling tables, once per run.
 * Pure data; every generator in `lib/model/` reads it and nothing writes it.
 *
 * @module
 */
import type { Config } from "../config/schema.ts";
import { Categorical } from "../random/mod.ts";
import { DAY_MS, parseIsoDate } from "../calendar/iso_date.ts";
import { zoneCellWeights } from "../calendar/local_cells.ts";
import { countryZones, distinctZones, longestSessionMs } from "./derived.ts";
import { compileDialogue, type Dialogue } from "./dialogue.ts";
import { localeLanguage } from "./text.ts";

/** Compiled sampling tables and lookups of one run. */
export interface Model {
  /** The validated, effective config the tables are compiled from. */
  config: Config;
  /** Device index → categorical over channel indices (config `channel_given_device`). */
  channelGivenDevice: Categorical[];
  /** Categorical over device indices (`population.devices` probabilities), per user. */
  deviceCat: Categorical;
  /** Categorical over country indices (`population.countries` probabilities), per user. */
  countryCat: Categorical;
  /** The compiled dialogue model (goals, exchanges, the chain and its expectations). */
  dialogue: Dialogue;
  /**
   * Language index (into `dialogue.text`) by country index: the language of the
   * country's locale (`de`, `pt_BR` → `pt`; see `localeLanguage`). The config rules
   * require every such language to be worded, so there is no fallback.
   */
  languageOfCountry: Int32Array;
  /** Age in years → index into `population.age_bands`. */
  ageBandOfAge: Int32Array;
  /** Every distinct IANA zone of the countries, in first-appearance order (`distinctZones`). */
  timeZones: string[];
  /** Country index → categorical over its zone list (`time_zones` weights), per user. */
  countryZoneCat: Categorical[];
  /** Country index → index into {@linkcode timeZones} of each entry of its zone list. */
  countryZones: Int32Array[];
  /**
   * Zone index → session start cells: the calendar's 15-minute UTC cells (cell i
   * starts at calendar.start 00:00Z + i × 15 min), weight = hour × weekday weight at
   * the cell's local hour and weekday in that zone (`zoneCellWeights`).
   */
  zoneStartCells: Categorical[];
  /** Epoch day of the calendar's first day. */
  calendarStartDay: number;
  /** Epoch day of the calendar's last day (inclusive). */
  calendarEndDay: number;
  /**
   * First epoch day `dim_date` covers: the earliest possible signup date, and at
   * least the day before the calendar (a local start date west of UTC).
   */
  dimDateFirstDay: number;
  /** Last epoch day `dim_date` covers: calendar end plus the longest possible session. */
  dimDateLastDay: number;
}

/**
 * Compile a validated config into sampling tables.
 *
 * @param config A config that passed `parseConfig` (dates valid, sums = 1).
 * @throws {RangeError} When a country's language has no wording in `dialogue.text`
 *   (the config rules report it first).
 *
 * @example
 * ```ts
 * import { parseConfig } from "../config/load.ts";
 * import { effectiveConfig } from "../config/effective.ts";
 * const text = Deno.readTextFileSync("config.yaml");
 * const config = effectiveConfig(parseConfig(text, "config.yaml"), {}, "config.yaml");
 * const m = compileModel(config);
 * config.population.devices.forEach((d, i) => {
 *   if (Math.abs(m.deviceCat.probability(i) - d.probability) > 1e-12) throw new Error(d.name);
 * });
 * ```
 */
export function compileModel(config: Config): Model {
  const p = config.population;
  const deviceNames = p.devices.map((d) => d.name);
  const channelNames = config.channels.map((c) => c.name);
  const channelGivenDevice = deviceNames.map((d) => {
    const row = config.channel_given_device[d];
    return new Categorical(
      channelNames.map((c) => (Object.hasOwn(row, c) ? row[c] : 0)),
    );
  });
  const ageBandOfAge = new Int32Array(p.age.max + 1).fill(-1);
  p.age_bands.forEach((b, i) => {
    for (let a = b.min; a <= b.max; a++) ageBandOfAge[a] = i;
  });

  const startDay = parseIsoDate(config.calendar.start)!;
  const endDay = parseIsoDate(config.calendar.end)!;
  const timeZones = distinctZones(config);
  const zoneIndex = new Map(timeZones.map((z, i) => [z, i]));
  const zoneStartCells = timeZones.map((z) =>
    new Categorical(zoneCellWeights(config.calendar, startDay, endDay, z))
  );
  const zoneLists = p.countries.map((c) => countryZones(c));

  const maxSessionMs = longestSessionMs(config);
  const languages = Object.keys(config.dialogue.text);
  return {
    config,
    channelGivenDevice,
    deviceCat: new Categorical(p.devices.map((d) => d.probability)),
    countryCat: new Categorical(p.countries.map((c) => c.probability)),
    dialogue: compileDialogue(config),
    languageOfCountry: Int32Array.from(p.countries, (c) => {
      const k = languages.indexOf(localeLanguage(c.locale));
      if (k < 0) {
        throw new RangeError(
          `Locale ${c.locale} has no wording in dialogue.text`,
        );
      }
      return k;
    }),
    ageBandOfAge,
    timeZones,
    countryZoneCat: zoneLists.map((l) =>
      new Categorical(l.map((z) => z.weight))
    ),
    countryZones: zoneLists.map((l) =>
      Int32Array.from(l, (z) => zoneIndex.get(z.zone)!)
    ),
    zoneStartCells,
    calendarStartDay: startDay,
    calendarEndDay: endDay,
    dimDateFirstDay: startDay - Math.max(1, p.tenure_days.max_days),
    dimDateLastDay: endDay + Math.ceil(maxSessionMs / DAY_MS),
  };
}
