/**
 * Inputs that once produced wrong data, a crash or a hang (found by adversarial
 * testing), each pinned to its fixed behaviour.
 */
import assert from "node:assert/strict";
import YAML from "yaml";
import { loadConfig, parseConfig } from "../lib/config/load.ts";
import { UsageError } from "../lib/errors.ts";
import { generateTemp, readCsvObjects, ROOT } from "./helpers.ts";
import { verifyDataset } from "../lib/verify.ts";
import { parseCli } from "../lib/cli/args.ts";

const baseText = Deno.readTextFileSync(`${ROOT}/config.yaml`);
const base = () => YAML.parse(baseText);

/** Config text from the default config with `edit` applied to its object. */
function variant(edit: (c: ReturnType<typeof base>) => void): string {
  const c = base();
  edit(c);
  return YAML.stringify(c);
}

function rejects(text: string, pattern: RegExp): void {
  assert.throws(() => parseConfig(text, "config.yaml"), (e: Error) => {
    assert.ok(e instanceof UsageError, `${e.name}: ${e.message}`);
    assert.match(e.message, pattern);
    return true;
  });
}

function generateWith(text: string, sessions: number, users: number, seed = 1) {
  const tmp = Deno.makeTempFileSync({ suffix: ".yaml" });
  Deno.writeTextFileSync(tmp, text);
  try {
    return generateTemp({ sessions, users, seed }, tmp);
  } finally {
    Deno.removeSync(tmp);
  }
}

Deno.test("300 devices: every fact's device_key is its user's device", () => {
  const text = variant((c) => {
    c.population.devices = Array.from({ length: 300 }, (_, i) => ({
      name: `D${i}`,
      platform: "mobile",
      probability: 1 / 300,
    }));
    c.channel_given_device = Object.fromEntries(
      c.population.devices.map((d: { name: string }) => [d.name, {
        web: 0.5,
        messenger: 0.5,
      }]),
    );
  });
  const ds = generateWith(text, 400, 300);
  try {
    const users = new Map(
      readCsvObjects(`${ds.dir}/snowflake/dim_user.csv`).map((
        u,
      ) => [u.user_key, u.device_key]),
    );
    for (const s of readCsvObjects(`${ds.dir}/star/fact_session.csv`)) {
      assert.equal(
        s.device_key,
        users.get(s.user_key),
        `session ${s.session_key}`,
      );
    }
    assert.ok([...users.values()].some((k) => Number(k) > 256));
  } finally {
    ds.cleanup();
  }
});

Deno.test("a config with a byte-order mark verifies (text and SHA-256 agree)", () => {
  const ds = generateWith("\ufeff" + baseText, 30, 10);
  try {
    assert.equal(verifyDataset(ds.dir).ok, true);
  } finally {
    ds.cleanup();
  }
});

Deno.test("tiny activity and Beta shapes generate valid data instead of crashing", () => {
  const text = variant((c) => {
    c.population.activity_shape = 0.001;
    c.intents[0].confidence = { alpha: 1e-300, beta: 1e-300 };
  });
  for (const seed of [2, 4, 5]) {
    const ds = generateWith(text, 40, 1, seed);
    try {
      const sessions = readCsvObjects(`${ds.dir}/star/fact_session.csv`);
      assert.equal(sessions.length, 40);
      assert.ok(sessions.every((s) => s.user_key === "1"));
      const turns = readCsvObjects(`${ds.dir}/star/fact_turn.csv`);
      assert.ok(turns.every((t) => /^[01]\.\d{4}$/.test(t.confidence)));
    } finally {
      ds.cleanup();
    }
  }
});

Deno.test("configs that used to give wrong data, crash or hang are rejected by key", () => {
  const cases: [(c: ReturnType<typeof base>) => void, RegExp][] = [
    [
      (c) => (c.turns.count.mean = 1e17),
      /turns\.count\.mean must be <= 1000000/,
    ],
    [(c) => (c.turns.count.max = 1e9), /turns\.count\.max must be <= 10000/],
    [
      (c) => (c.calendar.hour_weights = new Array(24).fill(1e308)),
      /hour_weights\[0\]: weights are relative/,
    ],
    [(c) => {
      c.calendar.start = "9999-12-01";
      c.calendar.end = "9999-12-31";
    }, /calendar\.end: sessions could run past 9999-12-31/],
    [(c) => {
      c.calendar.start = "1969-12-01";
      c.calendar.end = "1969-12-31";
    }, /calendar\.start: must be 1970-01-01 or later/],
    [
      (c) => (c.population.tenure_days.max_days = 3000000),
      /tenure_days\.max_days: signups could fall before 1970-01-01/,
    ],
    [(c) => {
      c.population.age = { mean: 0, sd: 9, min: -5, max: 75 };
      c.population.age_bands[0].min = -5;
    }, /population\.age\.min: must be >= 0/],
    [
      (c) => (c.population.age = { mean: 28, sd: 1, min: 33, max: 33 }),
      /population\.age: \[min, max \+ 1\) holds/,
    ],
    [
      (c) => (c.population.tenure_days = { mu: 6, sigma: 1, max_days: 0 }),
      /tenure_days\.max_days: \[0, max_days \+ 1\) holds/,
    ],
    [
      (c) => {
        c.calendar.start = "2025-01-06";
        c.calendar.end = "2025-01-10";
        // Only weekend noons: no zone from UTC−8 to UTC+11 reaches one Mon–Fri UTC.
        c.calendar.hour_weights = Array.from(
          { length: 24 },
          (_, h) => h === 12 ? 1 : 0,
        );
        c.calendar.weekday_weights = {
          Mon: 0,
          Tue: 0,
          Wed: 0,
          Thu: 0,
          Fri: 0,
          Sat: 1,
          Sun: 1,
        };
      },
      /weekday_weights: no local hour from 2025-01-06 to 2025-01-10 in America\/New_York/,
    ],
    [(c) => (c.latency_ms.sigma = 5), /turns: the longest possible session/],
    [
      (c) => (c.turns.think_time_ms.mu = 40),
      /turns: the longest possible session/,
    ],
    [
      (c) => (c.channels[0].latency_multiplier = 1e300),
      /latency_multiplier must be <= 1000/,
    ],
    [
      (c) => (c.population.devices[0].name = "toString"),
      /has no row for device "toString"/,
    ],
    [
      (c) => (c.intents[0].name = "constructor"),
      /intents\[0\]\.name: "constructor" is reserved/,
    ],
    [
      (c) => (c.population.countries[0].locale = "constructor"),
      /"constructor" is not a Faker locale/,
    ],
    [(c) => (c.users = 100000001), /users must be <= 100000000/],
  ];
  for (const [edit, pattern] of cases) rejects(variant(edit), pattern);
});

Deno.test("YAML surprises are errors naming the line", () => {
  rejects(
    baseText.replace("users: 500", "users: 0o764"),
    /^config\.yaml:8: "0o764" looks like an octal number/,
  );
  rejects(
    baseText.replace("users: 500", "users: !foo 500"),
    /^config\.yaml:8: .*tag/i,
  );
  const aliases = "a: &s 1\n" +
    Array.from({ length: 150 }, (_, i) => `k${i}: *s`).join("\n");
  rejects(aliases, /more than 100 alias expansions/);
  rejects(
    "a: " + "[".repeat(20000) + "]".repeat(20000),
    /^config\.yaml: cannot parse|^config\.yaml/,
  );
});

Deno.test("--users beyond the supported range is a usage error", () => {
  for (const v of ["9007199254740991", "4294967296"]) {
    assert.throws(() => parseCli(["--users", v]), UsageError);
  }
  assert.equal(loadConfig(`${ROOT}/config.yaml`).config.users, 500);
});
