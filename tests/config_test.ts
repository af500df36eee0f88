/**
 * Bad config input (docs/design.md §7): every rejection is a `UsageError` whose message
 * names the file, the line and the key path. Each case makes one targeted edit to
 * the default `config.yaml`; expected line numbers are computed from the edited
 * text, so they stay right when comments are added to the file.
 */
import assert from "node:assert/strict";
import { loadConfig, parseConfig } from "../lib/config/load.ts";
import { UsageError } from "../lib/errors.ts";

const CONFIG_URL = new URL("../config.yaml", import.meta.url);
const BASE = Deno.readTextFileSync(CONFIG_URL);
const FILE = "config.yaml";

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/** `text` with the single occurrence of `from` replaced by `to`. */
function edit(from: string, to: string, text = BASE): string {
  assert.equal(count(text, from), 1, `edit target ${JSON.stringify(from)}`);
  return text.replace(from, () => to);
}

/** `text` with everything from `start` up to (not including) `end` replaced. */
function editBlock(start: string, end: string, to: string): string {
  const a = BASE.indexOf(start);
  const b = BASE.indexOf(end, a);
  assert.ok(a >= 0 && b > a, `block ${JSON.stringify(start)}`);
  return edit(BASE.slice(a, b), to);
}

/** 1-based line of the single occurrence of `needle` in `text`. */
function lineOf(text: string, needle: string): number {
  assert.equal(count(text, needle), 1, `needle ${JSON.stringify(needle)}`);
  return text.slice(0, text.indexOf(needle)).split("\n").length;
}

/** `config.yaml:N:` for the line holding `needle`. */
function at(text: string, needle: string): string {
  return `${FILE}:${lineOf(text, needle)}:`;
}

/** The UsageError `fn` throws (fails when it throws nothing or something else). */
function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UsageError) {
      assert.equal(e.exitCode, 2);
      return e;
    }
    throw e;
  }
  assert.fail("expected a UsageError, but nothing was thrown");
}

function rejectMessage(text: string): string {
  return usageError(() => parseConfig(text, FILE)).message;
}

/** Assert that `text` is rejected with exactly `expected`. */
function rejects(text: string, expected: string): void {
  assert.equal(rejectMessage(text), expected);
}

/** Register a test of one rejected edit; `body` builds the text and checks it. */
function rejectCase(name: string, body: () => void): void {
  Deno.test(`parseConfig rejects ${name}`, body);
}

/** Register a test: `text` is rejected with exactly `expected`. */
function bad(name: string, text: string, expected: string): void {
  rejectCase(name, () => rejects(text, expected));
}

// --- the default config ---------------------------------------------------------

Deno.test("parseConfig accepts the default config.yaml with its values", () => {
  const c = parseConfig(BASE, FILE);
  assert.equal(c.seed, 20251130);
  assert.equal(c.sessions, 1000);
  assert.equal(c.users, 500);
  assert.equal(c.out, "output");
  assert.deepEqual(c.formats, ["raw", "star", "snowflake"]);
  assert.equal(c.reference_date, "2025-04-01");
  assert.equal(c.calendar.start, "2025-01-01");
  assert.equal(c.calendar.end, "2025-03-31");
  assert.equal(c.calendar.hour_weights.length, 24);
  assert.equal(c.intents.length, 8);
  const orderStatus = c.intents.find((i) => i.name === "order_status");
  assert.equal(orderStatus?.goal_probability, 0.2444);
  assert.deepEqual(orderStatus?.confidence, { alpha: 6.26, beta: 2.74 });
  assert.deepEqual(c.latency_ms, { mu: 6.6, sigma: 0.35 });
  assert.deepEqual(c.turns.think_time_ms, { mu: 9.0, sigma: 0.6 });
  assert.deepEqual(c.population.age, { mean: 28, sd: 9, min: 13, max: 75 });
  assert.deepEqual(
    c.population.devices.map((d) => d.name),
    ["Android", "iOS", "Desktop"],
  );
  assert.equal(c.population.countries.length, 12);
  assert.ok(c.population.countries.every((x) => typeof x.code === "string"));
  assert.deepEqual(Object.keys(c.channel_given_device), [
    "Android",
    "iOS",
    "Desktop",
  ]);
});

// --- duplicate keys ----------------------------------------------------------------

rejectCase("a duplicate top-level key", () => {
  const t = edit("users: 500\n", "users: 500\nusers: 600\n");
  rejects(t, `${at(t, "users: 600")} duplicate key "users"`);
});
rejectCase("a duplicate nested key (flow map)", () => {
  const t = edit(
    "think_time_ms: { mu: 9.0, sigma: 0.6 }",
    "think_time_ms: { mu: 9.0, sigma: 0.6, mu: 8.0 }",
  );
  rejects(
    t,
    `${at(t, "think_time_ms:")} duplicate key "turns.think_time_ms.mu"`,
  );
});
rejectCase("a duplicate nested key (block map)", () => {
  const t = edit(
    "    intercept: 3.5\n",
    "    intercept: 3.5\n    intercept: 3.6\n",
  );
  rejects(
    t,
    `${
      at(t, "intercept: 3.6")
    } duplicate key "outcomes.satisfaction.intercept"`,
  );
});
rejectCase("a duplicate key inside a list item", () => {
  const t = edit(
    "{ name: iOS, platform: mobile, probability: 0.30 }",
    "{ name: iOS, platform: mobile, probability: 0.30, name: iPadOS }",
  );
  rejects(
    t,
    `${at(t, "name: iPadOS")} duplicate key "population.devices[1].name"`,
  );
});
rejectCase("a duplicate channel_given_device row", () => {
  const t = edit(
    "  Desktop: { web: 0.75,",
    "  iOS: { web: 1.0 }\n  Desktop: { web: 0.75,",
  );
  rejects(
    t,
    `${at(t, "iOS: { web: 1.0 }")} duplicate key "channel_given_device.iOS"`,
  );
});

// --- unknown keys ------------------------------------------------------------------

rejectCase("an unknown top-level key", () => {
  const t = edit("users: 500\n", "users: 500\nuser: 5\n");
  rejects(t, `${at(t, "user: 5")} unknown key "user"; did you mean \`users\`?`);
});
rejectCase("an unknown nested key", () => {
  const t = edit(
    "latency_ms: { mu: 6.6, sigma: 0.35 }",
    "latency_ms: { mu: 6.6, sigma: 0.35, median: 735 }",
  );
  rejects(
    t,
    `${
      at(t, "latency_ms:")
    } unknown key "latency_ms.median" (valid keys here: mu, sigma)`,
  );
});
rejectCase("an unknown key inside a list item", () => {
  const t = edit(
    "{ name: iOS, platform: mobile, probability: 0.30 }",
    "{ name: iOS, platform: mobile, probability: 0.30, os: ios }",
  );
  rejects(
    t,
    `${
      at(t, "os: ios")
    } unknown key "population.devices[1].os" (valid keys here: name, platform, probability)`,
  );
});
rejectCase("a misspelt key in a block map", () => {
  const t = edit(
    "  activity_shape: 0.6\n",
    "  activity_shape: 0.6\n  activty: 1\n",
  );
  rejects(
    t,
    `${
      at(t, "activty: 1")
    } unknown key "population.activty" (valid keys here: age, age_bands, devices, countries, tenure_days, activity_shape)`,
  );
});

// --- wrong types ---------------------------------------------------------------------

rejectCase("a quoted string where a count is expected", () => {
  const t = edit("sessions: 1000", 'sessions: "1000"');
  rejects(t, `${at(t, "sessions:")} sessions must be an integer (got "1000")`);
});
rejectCase("a string where a number is expected", () => {
  const t = edit("latency_ms: { mu: 6.6,", "latency_ms: { mu: abc,");
  rejects(
    t,
    `${at(t, "latency_ms:")} latency_ms.mu must be a number (got "abc")`,
  );
});
rejectCase("a number where a list of strings is expected", () => {
  const t = edit("formats: [raw, star, snowflake]", "formats: 3");
  rejects(
    t,
    `${
      at(t, "formats:")
    } formats Invalid input: expected array, received number (got 3)`,
  );
});
rejectCase("a number inside the formats list", () => {
  const t = edit("formats: [raw, star, snowflake]", "formats: [raw, 3]");
  rejects(
    t,
    `${at(t, "formats:")} formats[1] must be raw, star or snowflake (got 3)`,
  );
});
rejectCase("an unknown format", () => {
  const t = edit("formats: [raw, star, snowflake]", "formats: [raw, csv]");
  rejects(
    t,
    `${
      at(t, "formats:")
    } formats[1] must be raw, star or snowflake (got "csv")`,
  );
});
rejectCase("a number where a string is expected", () => {
  const t = edit('{ label: "13-17", min: 13', "{ label: 1317, min: 13");
  rejects(
    t,
    `${
      at(t, "label: 1317")
    } population.age_bands[0].label must be a string (got 1317)`,
  );
});
rejectCase("a missing required key", () => {
  const t = edit('reference_date: "2025-04-01"\n', "");
  // A missing top-level key has no line to point at.
  rejects(t, `${FILE}: reference_date is required`);
});
rejectCase("an empty value", () => {
  const t = edit("users: 500", "users:");
  rejects(t, `${at(t, "users:")} users must be an integer (got null)`);
});
bad(
  "a list at the top level",
  "- seed: 1\n",
  `${FILE}: (top level) Invalid input: expected object, received array (got [{"seed":1}])`,
);

// --- probabilities -------------------------------------------------------------------

rejectCase("device probabilities not summing to 1", () => {
  const t = edit(
    "platform: desktop, probability: 0.15 }",
    "platform: desktop, probability: 0.16 }",
  );
  // A collection-level issue points at the key that holds the collection.
  rejects(
    t,
    `${
      at(t, "  devices:")
    } population.devices: probabilities must sum to 1, got 1.01`,
  );
});
rejectCase("device probabilities off by 1e-6", () => {
  const t = edit(
    "platform: desktop, probability: 0.15 }",
    "platform: desktop, probability: 0.150001 }",
  );
  rejects(
    t,
    `${
      at(t, "  devices:")
    } population.devices: probabilities must sum to 1, got 1.000001`,
  );
});
rejectCase("country probabilities not summing to 1", () => {
  const t = edit(
    "probability: 0.04,\n        time_zone: Europe/Rome,",
    "probability: 0.05,\n        time_zone: Europe/Rome,",
  );
  rejects(
    t,
    `${
      at(t, "  countries:")
    } population.countries: probabilities must sum to 1, got 1.01`,
  );
});
rejectCase("goal probabilities not summing to 1", () => {
  const t = edit("goal_probability: 0.1000\n", "goal_probability: 0.1100\n");
  rejects(
    t,
    `${`${FILE}:${
      lineOf(t, "\nintents:") + 1
    }:`} intents: goal probabilities must sum to 1, got 1.01`,
  );
});
rejectCase("a channel_given_device row not summing to 1", () => {
  const t = edit(
    "iOS: { web: 0.15, mobile_app: 0.55,",
    "iOS: { web: 0.15, mobile_app: 0.56,",
  );
  rejects(
    t,
    `${
      at(t, "iOS: {")
    } channel_given_device.iOS: probabilities must sum to 1, got 1.01`,
  );
});
rejectCase("a negative channel probability (row still sums to 1)", () => {
  const t = edit(
    "Desktop: { web: 0.75, mobile_app: 0.00,",
    "Desktop: { web: 0.80, mobile_app: -0.05,",
  );
  rejects(
    t,
    `${
      at(t, "Desktop: {")
    } channel_given_device.Desktop.mobile_app must be >= 0 (got -0.05)`,
  );
});
rejectCase("a negative device probability", () => {
  const t = edit(
    "{ name: Android, platform: mobile, probability: 0.55 }",
    "{ name: Android, platform: mobile, probability: -0.55 }",
  );
  rejects(
    t,
    `${
      at(t, "name: Android")
    } population.devices[0].probability must be >= 0 (got -0.55)`,
  );
});
rejectCase("a probability above 1", () => {
  const t = edit("resolution_probability: 0.85", "resolution_probability: 1.5");
  rejects(
    t,
    `${
      at(t, "resolution_probability:")
    } outcomes.resolution_probability must be <= 1 (got 1.5)`,
  );
});

// --- distribution parameters -------------------------------------------------------

rejectCase("Beta alpha = 0", () => {
  const t = edit(
    "    confidence: { alpha: 6.26, beta: 2.74 }\n  - name: billing_issue",
    "    confidence: { alpha: 0, beta: 2.74 }\n  - name: billing_issue",
  );
  rejects(
    t,
    `${at(t, "alpha: 0,")} intents[0].confidence.alpha must be > 0 (got 0)`,
  );
});
rejectCase("Beta beta < 0", () => {
  const t = edit(
    "confidence: { alpha: 4.85, beta: 2.15 }",
    "confidence: { alpha: 4.85, beta: -1 }",
  );
  rejects(
    t,
    `${at(t, "beta: -1")} intents[5].confidence.beta must be > 0 (got -1)`,
  );
});
rejectCase("latency sigma = 0", () => {
  const t = edit(
    "latency_ms: { mu: 6.6, sigma: 0.35 }",
    "latency_ms: { mu: 6.6, sigma: 0 }",
  );
  rejects(t, `${at(t, "latency_ms:")} latency_ms.sigma must be > 0 (got 0)`);
});
rejectCase("think time sigma < 0", () => {
  const t = edit(
    "think_time_ms: { mu: 9.0, sigma: 0.6 }",
    "think_time_ms: { mu: 9.0, sigma: -0.6 }",
  );
  rejects(
    t,
    `${
      at(t, "think_time_ms:")
    } turns.think_time_ms.sigma must be > 0 (got -0.6)`,
  );
});
rejectCase("tenure sigma = 0", () => {
  const t = edit("sigma: 1.1, max_days", "sigma: 0, max_days");
  rejects(
    t,
    `${at(t, "tenure_days:")} population.tenure_days.sigma must be > 0 (got 0)`,
  );
});
rejectCase("age sd = 0", () => {
  const t = edit("mean: 28, sd: 9,", "mean: 28, sd: 0,");
  rejects(t, `${at(t, "age: {")} population.age.sd must be > 0 (got 0)`);
});

// --- ranges and age bands --------------------------------------------------------------

rejectCase("age.min > age.max", () => {
  const t = edit("sd: 9, min: 13, max: 75 }", "sd: 9, min: 80, max: 75 }");
  rejects(
    t,
    `${at(t, "age: {")} population.age.max: must be >= age.min (80), got 75`,
  );
});
rejectCase("an age band with min > max", () => {
  const t = edit(
    '{ label: "25-34", min: 25, max: 34 }',
    '{ label: "25-34", min: 25, max: 20 }',
  );
  rejects(
    t,
    `${
      at(t, '"25-34"')
    } population.age_bands[2].max: must be >= min (25), got 20`,
  );
});
rejectCase("a gap between age bands", () => {
  const t = edit('{ label: "35-44", min: 35,', '{ label: "35-44", min: 36,');
  rejects(
    t,
    `${
      at(t, '"35-44"')
    } population.age_bands[3].min: bands must be sorted and contiguous from age.min: expected 35, got 36`,
  );
});
rejectCase("overlapping age bands", () => {
  const t = edit('{ label: "35-44", min: 35,', '{ label: "35-44", min: 34,');
  rejects(
    t,
    `${
      at(t, '"35-44"')
    } population.age_bands[3].min: bands must be sorted and contiguous from age.min: expected 35, got 34`,
  );
});
rejectCase("a first age band not starting at age.min", () => {
  const t = edit('{ label: "13-17", min: 13,', '{ label: "13-17", min: 12,');
  rejects(
    t,
    `${
      at(t, '"13-17"')
    } population.age_bands[0].min: bands must be sorted and contiguous from age.min: expected 13, got 12`,
  );
});
rejectCase("age bands not ending at age.max", () => {
  const t = edit(
    '{ label: "55-75", min: 55, max: 75 }',
    '{ label: "55-75", min: 55, max: 70 }',
  );
  rejects(
    t,
    `${
      at(t, '"55-75"')
    } population.age_bands[5].max: the last band must end at age.max (75), got 70`,
  );
});

// --- empty categories --------------------------------------------------------------------

rejectCase("an empty devices list", () => {
  const t = editBlock(
    "  devices:\n",
    "  # Country of residence",
    "  devices: []\n",
  );
  rejects(
    t,
    `${at(t, "devices: []")} population.devices must not be empty (got [])`,
  );
});
rejectCase("an empty intents list", () => {
  const t = editBlock("intents:\n", "# A turn falls back", "intents: []\n\n");
  rejects(t, `${at(t, "intents: []")} intents must not be empty (got [])`);
});
rejectCase("an empty channels list", () => {
  const t = editBlock(
    "channels:\n",
    "# Channel of a session",
    "channels: []\n",
  );
  rejects(t, `${at(t, "channels: []")} channels must not be empty (got [])`);
});
rejectCase("an empty formats list", () => {
  const t = edit("formats: [raw, star, snowflake]", "formats: []");
  rejects(t, `${at(t, "formats: []")} formats must not be empty (got [])`);
});

// --- counts --------------------------------------------------------------------------------

rejectCase("sessions: 1.5", () => {
  const t = edit("sessions: 1000", "sessions: 1.5");
  rejects(t, `${at(t, "sessions:")} sessions must be an integer (got 1.5)`);
});
rejectCase("users: -3", () => {
  const t = edit("users: 500", "users: -3");
  rejects(t, `${at(t, "users:")} users must be >= 1 (got -3)`);
});
rejectCase("sessions: 0", () => {
  const t = edit("sessions: 1000", "sessions: 0");
  rejects(t, `${at(t, "sessions:")} sessions must be >= 1 (got 0)`);
});
rejectCase("users beyond the safe integer range", () => {
  const t = edit("users: 500", "users: 1e20");
  rejects(
    t,
    `${
      at(t, "users:")
    } users must be <= 9007199254740991 (got 100000000000000000000)`,
  );
});
rejectCase("turns.count.max: 0", () => {
  const t = edit("count: { mean: 7, max: 60 }", "count: { mean: 7, max: 0 }");
  rejects(t, `${at(t, "count: {")} turns.count.max must be >= 1 (got 0)`);
});
rejectCase("a negative tenure_days.max_days", () => {
  const t = edit("max_days: 1825", "max_days: -1");
  rejects(
    t,
    `${
      at(t, "max_days:")
    } population.tenure_days.max_days must be >= 0 (got -1)`,
  );
});
rejectCase("a fractional escalation_consecutive_fallbacks", () => {
  const t = edit(
    "escalation_consecutive_fallbacks: 2",
    "escalation_consecutive_fallbacks: 2.5",
  );
  rejects(
    t,
    `${
      at(t, "escalation_consecutive_fallbacks:")
    } outcomes.escalation_consecutive_fallbacks must be an integer (got 2.5)`,
  );
});

// --- seeds -------------------------------------------------------------------------------

for (
  const [value, why] of [
    ["-1", "must be >= 0 (got -1)"],
    ["1.5", "must be an integer (got 1.5)"],
    ["9007199254740992", "must be <= 9007199254740991 (got 9007199254740992)"],
    ['"abc"', 'must be an integer (got "abc")'],
    ["abc", 'must be an integer (got "abc")'],
    ['"20251130"', 'must be an integer (got "20251130")'],
    [".inf", "must be an integer (got Infinity)"],
    [".nan", "must be an integer (got NaN)"],
    ["~", "must be an integer (got null)"],
  ]
) {
  rejectCase(`seed: ${value}`, () => {
    const t = edit("seed: 20251130", `seed: ${value}`);
    assert.equal(lineOf(t, "\nseed:") + 1, 6);
    rejects(t, `${FILE}:6: seed ${why}`);
  });
}

Deno.test("parseConfig accepts the seed bounds 0 and 2^53 - 1", () => {
  assert.equal(parseConfig(edit("seed: 20251130", "seed: 0"), FILE).seed, 0);
  assert.equal(
    parseConfig(edit("seed: 20251130", "seed: 9007199254740991"), FILE).seed,
    9007199254740991,
  );
});

// --- calendar dates ------------------------------------------------------------------------

rejectCase("a start date that does not exist", () => {
  const t = edit('start: "2025-01-01"', 'start: "2025-02-30"');
  rejects(
    t,
    `${at(t, "  start:")} calendar.start: "2025-02-30" is not a calendar date`,
  );
});
rejectCase("an end date before the start date", () => {
  const t = edit('end: "2025-03-31"', 'end: "2024-12-31"');
  rejects(
    t,
    `${
      at(t, "end:")
    } calendar.end: must not be before calendar.start (2025-01-01)`,
  );
});
rejectCase("a reference date with month 13", () => {
  const t = edit(
    'reference_date: "2025-04-01"',
    'reference_date: "2025-13-01"',
  );
  rejects(
    t,
    `${
      at(t, "reference_date:")
    } reference_date: "2025-13-01" is not a calendar date`,
  );
});
rejectCase("a date not in YYYY-MM-DD form", () => {
  const t = edit('start: "2025-01-01"', 'start: "2025-1-1"');
  rejects(
    t,
    `${
      at(t, "  start:")
    } calendar.start must be a date YYYY-MM-DD (got "2025-1-1")`,
  );
});

Deno.test("parseConfig accepts a one-day calendar (start = end)", () => {
  const c = parseConfig(edit('end: "2025-03-31"', 'end: "2025-01-01"'), FILE);
  assert.equal(c.calendar.end, "2025-01-01");
});

// --- references between sections --------------------------------------------------------

rejectCase("an unknown Faker locale", () => {
  const t = edit("locale: de,", "locale: xx_YY,");
  rejects(
    t,
    `${
      at(t, "locale: xx_YY")
    } population.countries[5].locale: "xx_YY" is not a Faker locale (e.g. en_US, de, pt_BR)`,
  );
});
rejectCase("a currency symbol placed neither before nor after", () => {
  const t = edit(
    'symbol: "£", position: before,',
    'symbol: "£", position: middle,',
  );
  rejects(
    t,
    `${
      at(t, "position: middle")
    } population.countries[4].currency.position must be before or after (got "middle")`,
  );
});
rejectCase("channel_given_device naming an unknown channel", () => {
  const t = edit(
    "iOS: { web: 0.15, mobile_app: 0.55,",
    "iOS: { web: 0.15, telegram: 0.55,",
  );
  rejects(
    t,
    `${
      at(t, "iOS: {")
    } channel_given_device.iOS.telegram: "telegram" is not a channel in channels`,
  );
});
rejectCase("channel_given_device missing a device row", () => {
  const t = edit(
    "  iOS: { web: 0.15, mobile_app: 0.55, messenger: 0.15, whatsapp: 0.15 }\n",
    "",
  );
  // The error points at the key line of the map.
  rejects(
    t,
    `${`${FILE}:${
      lineOf(t, "\nchannel_given_device:") + 1
    }:`} channel_given_device: has no row for device "iOS"`,
  );
});
rejectCase("channel_given_device naming an unknown device", () => {
  const t = edit(
    "  Desktop: { web: 0.75,",
    "  Tablet: { web: 1 }\n  Desktop: { web: 0.75,",
  );
  rejects(
    t,
    `${
      at(t, "Tablet:")
    } channel_given_device.Tablet: "Tablet" is not a device in population.devices`,
  );
});

// --- YAML 1.1 surprises ----------------------------------------------------------------

rejectCase("an octal-looking seed (0755)", () => {
  const t = edit("seed: 20251130", "seed: 0755");
  assert.equal(lineOf(t, "\nseed:") + 1, 6);
  rejects(
    t,
    `${FILE}:6: "0755" looks like an octal number, which YAML 1.1 and 1.2 read differently; write it without the leading zero or quote it`,
  );
});
rejectCase("an octal-looking count (010)", () => {
  const t = edit("sessions: 1000", "sessions: 010");
  rejects(
    t,
    `${
      at(t, "sessions:")
    } "010" looks like an octal number, which YAML 1.1 and 1.2 read differently; write it without the leading zero or quote it`,
  );
});
rejectCase("a sexagesimal-looking count (16:40 is 1000 in YAML 1.1)", () => {
  const t = edit("sessions: 1000", "sessions: 16:40");
  rejects(t, `${at(t, "sessions:")} sessions must be an integer (got "16:40")`);
});
rejectCase("yes where a number is expected", () => {
  const t = edit("  activity_shape: 0.6", "  activity_shape: yes");
  rejects(
    t,
    `${
      at(t, "activity_shape:")
    } population.activity_shape must be a number (got "yes")`,
  );
});
rejectCase("a lowercase country code no (a string, not false)", () => {
  const t = edit("code: GB,", "code: no,");
  rejects(
    t,
    `${
      at(t, "code: no,")
    } population.countries[4].code must be a two-letter ISO 3166 code in capitals (got "no")`,
  );
});

Deno.test('parseConfig keeps country code NO as the string "NO"', () => {
  const c = parseConfig(edit("code: GB,", "code: NO,"), FILE);
  assert.equal(c.population.countries[4].code, "NO");
  assert.equal(c.population.countries[4].name, "United Kingdom");
  assert.equal(
    c.population.countries.filter((x) => x.code === "NO").length,
    1,
  );
});

Deno.test("parseConfig keeps on/off as strings", () => {
  const c = parseConfig(
    edit(
      "{ name: Desktop, platform: desktop,",
      "{ name: Desktop, platform: off,",
    ),
    FILE,
  );
  assert.equal(c.population.devices[2].platform, "off");
});

Deno.test("parseConfig reads an unquoted date as the string it is", () => {
  const c = parseConfig(
    edit('start: "2025-01-01"', "start: 2025-01-01"),
    FILE,
  );
  assert.equal(c.calendar.start, "2025-01-01");
  assert.equal(typeof c.calendar.start, "string");
  const r = parseConfig(
    edit('reference_date: "2025-04-01"', "reference_date: 2025-04-01"),
    FILE,
  );
  assert.equal(r.reference_date, "2025-04-01");
});

rejectCase("an unquoted timestamp (a YAML 1.1 timestamp, a 1.2 string)", () => {
  const t = edit('start: "2025-01-01"', "start: 2025-01-01T00:00:00Z");
  rejects(
    t,
    `${
      at(t, "  start:")
    } calendar.start must be a date YYYY-MM-DD (got "2025-01-01T00:00:00Z")`,
  );
});

// --- document structure and syntax ----------------------------------------------------

bad(
  "two YAML documents",
  BASE + "---\nseed: 1\n",
  `${FILE}: expected one YAML document, found 2`,
);
bad("an empty file", "", `${FILE}: the file is empty`);
bad(
  "a file of comments only",
  "# nothing here\n\n",
  `${FILE}: the file is empty`,
);
rejectCase("a stray closing brace", () => {
  const t = edit(
    "think_time_ms: { mu: 9.0, sigma: 0.6 }",
    "think_time_ms: { mu: 9.0, sigma: 0.6 }}",
  );
  rejects(
    t,
    `${
      at(t, "think_time_ms:")
    } Unexpected flow-map-end token in YAML stream: "}"`,
  );
});
rejectCase("a tab used as indentation", () => {
  const t = edit("users: 500\n", "users: 500\n\tx: 1\n");
  rejects(t, `${at(t, "\tx: 1")} Tabs are not allowed as indentation`);
});
rejectCase("an unclosed flow sequence", () => {
  const t = edit("users: 500", "users: [500");
  // The parser notices the unclosed "[" on the next line ("out: output").
  rejects(
    t,
    `${
      at(t, "out: output")
    } Flow sequence in block collection must be sufficiently indented and end with a ]`,
  );
});

// --- loadConfig: the file itself --------------------------------------------------------

Deno.test("loadConfig returns the config with its exact bytes and text", () => {
  const loaded = loadConfig(CONFIG_URL.pathname);
  assert.equal(loaded.config.seed, 20251130);
  assert.deepEqual(loaded.bytes, Deno.readFileSync(CONFIG_URL));
  assert.equal(loaded.text, BASE);
});

Deno.test("loadConfig names a missing file", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const path = `${dir}/missing.yaml`;
    assert.equal(
      usageError(() => loadConfig(path)).message,
      `Cannot read config "${path}": no such file`,
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("loadConfig names a directory", () => {
  const dir = Deno.makeTempDirSync();
  try {
    assert.equal(
      usageError(() => loadConfig(dir)).message,
      `Cannot read config "${dir}": it is a directory`,
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("loadConfig refuses a file that is not UTF-8", () => {
  const path = Deno.makeTempFileSync({ suffix: ".yaml" });
  try {
    // "seed: " then 0xFF 0xFE (never valid in UTF-8).
    Deno.writeFileSync(
      path,
      new Uint8Array([0x73, 0x65, 0x65, 0x64, 0x3a, 0x20, 0xff, 0xfe, 0x0a]),
    );
    assert.equal(
      usageError(() => loadConfig(path)).message,
      `Cannot read config "${path}": it is not valid UTF-8`,
    );
  } finally {
    Deno.removeSync(path);
  }
});

Deno.test("loadConfig names the path in a content error", () => {
  const path = Deno.makeTempFileSync({ suffix: ".yaml" });
  try {
    Deno.writeTextFileSync(path, edit("seed: 20251130", "seed: -1"));
    assert.equal(
      usageError(() => loadConfig(path)).message,
      `${path}:6: seed must be >= 0 (got -1)`,
    );
  } finally {
    Deno.removeSync(path);
  }
});
