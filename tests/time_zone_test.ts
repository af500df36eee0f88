/**
 * Local time of day (docs/design.md §3.2): UTC offsets against values stated by hand
 * from the IANA rules (daylight saving time transitions in three zones, India's
 * +5:30), offsets that do not go through `Intl`, the session starts of a generated
 * dataset against the time-zone package itself (local keys, raw
 * `session_start_local`, and the share of Australian night starts), and the config
 * errors for zones; local times before 1970 and offsets that are not a multiple of
 * 15 minutes.
 */
import assert from "node:assert/strict";
import moment from "moment-timezone";
import {
  isTimeZone,
  localTimestamp,
  utcOffsetMinutes,
  utcOffsetPeriods,
} from "../lib/calendar/time_zone.ts";
import { parseConfig } from "../lib/config/load.ts";
import { UsageError } from "../lib/errors.ts";
import { generateTemp, readCsvObjects, ROOT, runMain } from "./helpers.ts";
import { runCliInProcess } from "./cli_in_process.ts";

Deno.test("UTC offsets follow the IANA rules across daylight saving time transitions", () => {
  // [zone, instant, offset in minutes east], stated from the rules, not computed:
  // US: second Sunday of March 2025 (03-09) 02:00 EST = 07:00Z, back on the first
  // Sunday of November (11-02) 02:00 EDT = 06:00Z. EU: last Sunday of March
  // (03-30) 01:00Z, last Sunday of October (10-26) 01:00Z. New South Wales: first
  // Sunday of April (04-06) 03:00 AEDT = 16:00Z the day before; first Sunday of
  // October (10-05) 02:00 AEST = 16:00Z the day before.
  const cases: [string, number, number][] = [
    ["America/New_York", Date.UTC(2025, 2, 9, 7) - 1, -300],
    ["America/New_York", Date.UTC(2025, 2, 9, 7), -240],
    ["America/New_York", Date.UTC(2025, 10, 2, 6) - 1, -240],
    ["America/New_York", Date.UTC(2025, 10, 2, 6), -300],
    ["Europe/Berlin", Date.UTC(2025, 2, 30, 1) - 1, 60],
    ["Europe/Berlin", Date.UTC(2025, 2, 30, 1), 120],
    ["Europe/Berlin", Date.UTC(2025, 9, 26, 1) - 1, 120],
    ["Europe/Berlin", Date.UTC(2025, 9, 26, 1), 60],
    ["Australia/Sydney", Date.UTC(2025, 3, 5, 16) - 1, 660],
    ["Australia/Sydney", Date.UTC(2025, 3, 5, 16), 600],
    ["Australia/Sydney", Date.UTC(2025, 9, 4, 16) - 1, 600],
    ["Australia/Sydney", Date.UTC(2025, 9, 4, 16), 660],
    // No daylight saving time: Queensland, India, South Africa, UTC.
    ["Australia/Brisbane", Date.UTC(2025, 0, 15), 600],
    ["Australia/Brisbane", Date.UTC(2025, 6, 15), 600],
    ["Asia/Kolkata", Date.UTC(2025, 0, 1), 330],
    ["Asia/Kolkata", Date.UTC(2025, 6, 1), 330],
    ["Africa/Johannesburg", Date.UTC(2025, 6, 1), 120],
    ["Etc/UTC", Date.UTC(2025, 6, 1), 0],
    // South Australia in summer: +10:30.
    ["Australia/Adelaide", Date.UTC(2025, 0, 15), 630],
  ];
  for (const [zone, t, want] of cases) {
    assert.equal(
      utcOffsetMinutes(zone, t),
      want,
      `${zone} at ${new Date(t).toISOString()}`,
    );
  }
  assert.throws(() => utcOffsetMinutes("Mars/Olympus", 0), RangeError);
});

Deno.test("local timestamps carry the numeric offset; Kolkata is +05:30", () => {
  assert.equal(
    localTimestamp(Date.UTC(2025, 0, 2, 22, 15, 2, 123), 660),
    "2025-01-03T09:15:02.123+11:00",
  );
  const t = Date.UTC(2025, 1, 3, 4, 0, 0, 5);
  assert.equal(
    localTimestamp(t, utcOffsetMinutes("Asia/Kolkata", t)),
    "2025-02-03T09:30:00.005+05:30",
  );
  assert.equal(
    localTimestamp(t, utcOffsetMinutes("America/New_York", t)),
    "2025-02-02T23:00:00.005-05:00",
  );
  assert.equal(localTimestamp(t, 0), "2025-02-03T04:00:00.005+00:00");
  // Date.parse reads the text back to the same instant.
  assert.equal(Date.parse("2025-02-03T09:30:00.005+05:30"), t);
});

Deno.test("offsets do not use Intl (the runtime's ICU data)", () => {
  const saved = Intl.DateTimeFormat;
  const fail = () => {
    throw new Error("Intl.DateTimeFormat used");
  };
  try {
    Object.defineProperty(Intl, "DateTimeFormat", {
      value: fail,
      configurable: true,
      writable: true,
    });
    // A zone not looked up before in this process: Chatham Islands daylight time,
    // +13:45 in January.
    assert.equal(
      utcOffsetMinutes("Pacific/Chatham", Date.UTC(2025, 0, 10)),
      825,
    );
    assert.ok(isTimeZone("America/Sao_Paulo"));
  } finally {
    Object.defineProperty(Intl, "DateTimeFormat", {
      value: saved,
      configurable: true,
      writable: true,
    });
  }
});

Deno.test("session starts: local keys and session_start_local agree with the time-zone package", () => {
  const ds = generateTemp({
    seed: 3,
    sessions: 800,
    users: 400,
    formats: ["raw", "star"],
  });
  try {
    const users = readCsvObjects(`${ds.dir}/star/dim_user.csv`);
    const zoneOf = new Map(users.map((u) => [u.user_key, u.time_zone]));
    const sessions = readCsvObjects(`${ds.dir}/star/fact_session.csv`);
    let india = 0;
    for (const s of sessions) {
      const local = moment.tz(Date.parse(s.start_ts), zoneOf.get(s.user_key)!);
      assert.equal(s.local_date_key, local.format("YYYYMMDD"), s.session_key);
      assert.equal(
        Number(s.local_time_key),
        local.hour() * 100 + local.minute(),
        s.session_key,
      );
      if (zoneOf.get(s.user_key) === "Asia/Kolkata") {
        // +5:30: local minute = UTC minute + 30 (mod 60).
        const utcMinute = Number(s.start_ts.slice(14, 16));
        assert.equal(local.minute(), (utcMinute + 30) % 60);
        india++;
      }
    }
    assert.ok(india > 20, `${india} Indian sessions`);
    const lines = Deno.readTextFileSync(`${ds.dir}/raw/turns.jsonl`)
      .trimEnd().split("\n").map((l) => JSON.parse(l));
    for (const l of lines) {
      const keys = Object.keys(l);
      assert.deepEqual(keys.slice(-2), [
        "user_time_zone",
        "session_start_local",
      ]);
      assert.equal(l.user_time_zone, zoneOf.get(String(l.user_id)));
      assert.equal(
        l.session_start_local,
        moment.tz(Date.parse(l.session_start), l.user_time_zone).format(
          "YYYY-MM-DDTHH:mm:ss.SSSZ",
        ),
      );
    }
  } finally {
    ds.cleanup();
  }
});

Deno.test("Australian sessions rarely start between 00:00 and 06:00 local time", () => {
  const ds = generateTemp({
    seed: 20251130,
    sessions: 10_000,
    users: 4000,
    formats: ["star"],
  });
  try {
    const users = readCsvObjects(`${ds.dir}/star/dim_user.csv`);
    const au = new Map(
      users.filter((u) => u.country_code === "AU").map((
        u,
      ) => [u.user_key, u.time_zone]),
    );
    let n = 0, night = 0;
    for (const s of readCsvObjects(`${ds.dir}/star/fact_session.csv`)) {
      const zone = au.get(s.user_key);
      if (zone === undefined) continue;
      n++;
      if (moment.tz(Date.parse(s.start_ts), zone).hour() < 6) night++;
    }
    // The model: hours 0–5 carry 2.3 of the 44.4 hour weight (≈ 5.2%); with UTC
    // hours instead it was ≈ 36%.
    assert.ok(n > 200, `${n} Australian sessions`);
    const share = night / n;
    assert.ok(share < 0.1, `share ${share}`);
  } finally {
    ds.cleanup();
  }
});

const BASE = Deno.readTextFileSync(`${ROOT}/config.yaml`);

/** The UsageError message of parsing `text` (fails when it parses). */
function configError(text: string): string {
  try {
    parseConfig(text, "config.yaml");
  } catch (e) {
    assert.ok(e instanceof UsageError, String(e));
    return e.message;
  }
  assert.fail("the config was accepted");
}

/** 1-based line of the single occurrence of `needle` in `text`. */
function lineOf(text: string, needle: string): number {
  assert.equal(text.split(needle).length, 2, needle);
  return text.slice(0, text.indexOf(needle)).split("\n").length;
}

Deno.test("config: an unknown or misspelt zone is an error at its line, with a suggestion", () => {
  const text = BASE.replace(
    "time_zone: Europe/Berlin",
    "time_zone: Europe/Berlinn",
  );
  assert.equal(
    configError(text),
    `config.yaml:${
      lineOf(text, "Europe/Berlinn")
    }: population.countries[5].time_zone: "Europe/Berlinn" is not an IANA time zone; did you mean \`Europe/Berlin\`?`,
  );
  const inList = BASE.replace("zone: America/Denver,", "zone: Mars/Olympus,");
  assert.match(
    configError(inList),
    new RegExp(
      `^config\\.yaml:${
        lineOf(inList, "Mars/Olympus")
      }: population\\.countries\\[0\\]\\.time_zones\\[2\\]\\.zone: "Mars/Olympus" is not an IANA time zone`,
    ),
  );
  // Names are case-sensitive.
  const lower = BASE.replace(
    "time_zone: Asia/Kolkata",
    "time_zone: asia/kolkata",
  );
  assert.match(configError(lower), /did you mean `Asia\/Kolkata`\?$/);
});

Deno.test("config: each country needs exactly one of time_zone and time_zones", () => {
  const both = BASE.replace(
    "time_zone: America/Mexico_City,",
    "time_zone: America/Mexico_City,\n        time_zones: [{ zone: America/Tijuana, weight: 1 }],",
  );
  assert.equal(
    configError(both),
    `config.yaml:${
      lineOf(both, "time_zones: [{ zone: America/Tijuana")
    }: population.countries[2].time_zones: give either time_zone or time_zones, not both (MX has time_zone "America/Mexico_City")`,
  );
  const neither = BASE.replace("        time_zone: Europe/Rome,\n", "");
  assert.notEqual(neither, BASE);
  assert.match(
    configError(neither),
    /^config\.yaml:\d+: population\.countries\[8\]: IT needs a time_zone \(e\.g\. "Europe\/Berlin"\) or a weighted time_zones list$/,
  );
  const dup = BASE.replace(
    "zone: America/Denver,",
    "zone: America/Chicago,",
  );
  assert.match(
    configError(dup),
    /population\.countries\[0\]\.time_zones\[2\]: duplicate time zone "America\/Chicago"/,
  );
});

Deno.test("validate fails a wrong local key, a zone of another country, and a wrong raw local start", async () => {
  const star = generateTemp({
    seed: 11,
    sessions: 300,
    users: 100,
    formats: ["star"],
  });
  const raw = generateTemp({
    seed: 11,
    sessions: 300,
    users: 100,
    formats: ["raw"],
  });
  const rule = /FAIL {2}each user's time_zone is one of their country's zones/;
  /**
   * Exit code and output of the CLI's validate on a copy of `from` after `edit`: in
   * this process (the same runCli, without the start-up), or with `subprocess` in a
   * `deno run main.ts` (the first case, for the process's exit code).
   */
  const validateCopy = async (
    from: string,
    edit: (dir: string) => void,
    subprocess = false,
  ) => {
    const dir = Deno.makeTempDirSync({ prefix: "chatsynth-tz-" });
    try {
      const copyTree = (a: string, b: string) => {
        for (const e of Deno.readDirSync(a)) {
          if (e.isDirectory) {
            Deno.mkdirSync(`${b}/${e.name}`);
            copyTree(`${a}/${e.name}`, `${b}/${e.name}`);
          } else Deno.copyFileSync(`${a}/${e.name}`, `${b}/${e.name}`);
        }
      };
      copyTree(from, dir);
      edit(dir);
      return subprocess
        ? runMain(
          ["--allow-read", `--allow-write=${dir}`, "--allow-env"],
          ["validate", dir],
        )
        : await runCliInProcess(["validate", dir]);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  };
  try {
    // The unchanged datasets pass.
    assert.equal((await validateCopy(star.dir, () => {}, true)).code, 0);
    assert.equal((await validateCopy(raw.dir, () => {})).code, 0);

    // One session's local_time_key one minute off.
    const va = await validateCopy(star.dir, (dir) => {
      const fs = `${dir}/star/fact_session.csv`;
      const lines = Deno.readTextFileSync(fs).split("\n");
      const col = lines[0].split(",").indexOf("local_time_key");
      const f = lines[1].split(",");
      f[col] = String(Number(f[col]) === 0 ? 1 : Number(f[col]) - 1);
      lines[1] = f.join(",");
      Deno.writeTextFileSync(fs, lines.join("\n"));
    });
    assert.equal(va.code, 1, va.stdout);
    assert.match(va.stdout, rule);

    // A US user moved to Europe/Berlin (a zone of another country).
    const vb = await validateCopy(star.dir, (dir) => {
      const du = `${dir}/star/dim_user.csv`;
      const users = Deno.readTextFileSync(du).split("\n");
      const k = users.findIndex((l) => l.endsWith(",America/New_York"));
      assert.ok(k > 0);
      users[k] = users[k].replace(/,America\/New_York$/, ",Europe/Berlin");
      Deno.writeTextFileSync(du, users.join("\n"));
    });
    assert.equal(vb.code, 1, vb.stdout);
    assert.match(vb.stdout, rule);

    // Raw: every line of session 1 with its local start an hour late.
    const vc = await validateCopy(raw.dir, (dir) => {
      const rf = `${dir}/raw/turns.jsonl`;
      const lines = Deno.readTextFileSync(rf).split("\n").map((l) => {
        if (!l.startsWith('{"session_id":1,')) return l;
        const o = JSON.parse(l);
        const s = o.session_start_local as string;
        const h = (Number(s.slice(11, 13)) + 1) % 24;
        o.session_start_local = `${s.slice(0, 11)}${
          String(h).padStart(2, "0")
        }${s.slice(13)}`;
        return JSON.stringify(o);
      });
      Deno.writeTextFileSync(rf, lines.join("\n"));
    });
    assert.equal(vc.code, 1, vc.stdout);
    assert.match(vc.stdout, rule);
  } finally {
    star.cleanup();
    raw.cleanup();
  }
});

/**
 * The default config moved to another period with every country in `zone` (no
 * `time_zones` lists), signups on the calendar's first day (tenure 0), and
 * optionally all start intensity at local 09:00–09:59.
 */
function datedConfig(
  zone: string,
  start: string,
  end: string,
  reference: string,
  onlyNine = false,
): string {
  let t = BASE.replace(/time_zones: \[[^\]]*\],/g, `time_zone: ${zone},`)
    .replace(/time_zone: [A-Za-z_/+-]+,/g, `time_zone: ${zone},`)
    .replace('start: "2025-01-01"', `start: "${start}"`)
    .replace('end: "2025-03-31"', `end: "${end}"`)
    .replace('reference_date: "2025-04-01"', `reference_date: "${reference}"`)
    .replace(
      /tenure_days: \{[^}]*\}/,
      "tenure_days: { mu: -3, sigma: 1, max_days: 0 }",
    );
  if (onlyNine) {
    t = t.replace(
      /hour_weights: \[[^\]]*\]/,
      `hour_weights: [${
        Array.from({ length: 24 }, (_, h) => (h === 9 ? 1 : 0)).join(", ")
      }]`,
    );
  }
  assert.ok(!/^ *time_zones:/m.test(t), "every country has one zone");
  assert.ok(t.includes(`start: "${start}"`) && t.includes(`end: "${end}"`));
  return t;
}

/** 1-based line of the first occurrence of `needle` in `text`. */
function firstLineOf(text: string, needle: string): number {
  assert.ok(text.includes(needle), needle);
  return text.slice(0, text.indexOf(needle)).split("\n").length;
}

Deno.test("offset periods: Kiritimati's and Monrovia's changes from the IANA rules", () => {
  // Stated from the IANA rules: Kiritimati −10:40 until 1979-10-01 00:00 local
  // (10:40Z), then −10:00 until 1994-12-31 (+14:00 from then); Liberia −0:44:30
  // until 1972-01-07 00:00 local (00:44:30Z), then UTC.
  assert.deepEqual(
    utcOffsetPeriods(
      "Pacific/Kiritimati",
      Date.UTC(1979, 8, 30),
      Date.UTC(1979, 9, 2),
    ),
    [
      { fromMs: Date.UTC(1979, 8, 30), offsetMinutes: -640 },
      { fromMs: Date.UTC(1979, 9, 1, 10, 40), offsetMinutes: -600 },
    ],
  );
  assert.deepEqual(
    utcOffsetPeriods(
      "Africa/Monrovia",
      Date.UTC(1971, 0, 1),
      Date.UTC(1972, 0, 7, 0, 44, 30),
    ),
    [
      { fromMs: Date.UTC(1971, 0, 1), offsetMinutes: -44.5 },
      { fromMs: Date.UTC(1972, 0, 7, 0, 44, 30), offsetMinutes: 0 },
    ],
  );
  // The range is inclusive; one instant earlier the change is outside it.
  assert.equal(
    utcOffsetPeriods(
      "Africa/Monrovia",
      Date.UTC(1971, 0, 1),
      Date.UTC(1972, 0, 7, 0, 44, 30) - 1,
    ).length,
    1,
  );
  assert.deepEqual(
    utcOffsetPeriods("Etc/GMT+12", 0, Date.UTC(2030, 0, 1)),
    [{ fromMs: 0, offsetMinutes: -720 }],
  );
  assert.throws(() => utcOffsetPeriods("Mars/Olympus", 0, 1), RangeError);
});

Deno.test("regression: local_time_key of a start on 1969-12-31 local is its HHMM, and validate passes", async () => {
  // Every user at UTC−12 and sessions from 1970-01-01 00:00Z: starts before 12:00Z
  // are local times on 1969-12-31, i.e. negative local instants. The keys were
  // negative (17:37 became −723) and validate failed the key and local-time rules.
  const dir = Deno.makeTempDirSync({ prefix: "chatsynth-tz-" });
  const config = `${dir}/config.yaml`;
  Deno.writeTextFileSync(
    config,
    datedConfig("Etc/GMT+12", "1970-01-01", "1970-01-31", "1970-02-01"),
  );
  try {
    const ds = generateTemp({ formats: ["raw", "star"] }, config);
    const sessions = readCsvObjects(`${ds.dir}/star/fact_session.csv`);
    const before1970 = new Set<string>();
    for (const s of sessions) {
      // Local = UTC − 12 h, computed from the UTC text alone.
      const utcDay = Number(s.start_ts.slice(8, 10));
      const h = Number(s.start_ts.slice(11, 13));
      const m = Number(s.start_ts.slice(14, 16));
      const key = ((h + 12) % 24) * 100 + m;
      assert.equal(s.local_time_key, String(key), s.session_key);
      if (s.start_ts.startsWith("1970-01-01") && h < 12) {
        assert.equal(s.local_date_key, "19691231", s.session_key);
        before1970.add(s.local_time_key);
      } else {
        assert.equal(
          s.local_date_key,
          `1970${s.start_ts.slice(5, 7)}${
            String(h < 12 ? utcDay - 1 : utcDay).padStart(2, "0")
          }`,
          s.session_key,
        );
      }
    }
    // The first two keys of the failing run, −723 and −239, were 17:37 and 22:21.
    assert.ok(
      before1970.has("1737") && before1970.has("2221"),
      [
        ...before1970,
      ].join(),
    );
    for (
      const l of Deno.readTextFileSync(`${ds.dir}/raw/turns.jsonl`).split("\n")
    ) {
      if (l === "") continue;
      const o = JSON.parse(l);
      assert.equal(
        Date.parse(o.session_start_local),
        Date.parse(o.session_start),
      );
      assert.match(
        o.session_start_local,
        /^19(69|70)-\d\d-\d\dT[\d:.]{12}-12:00$/,
      );
    }
    // In this process: the same runCli, without the start-up.
    const v = await runCliInProcess(["validate", ds.dir]);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    ds.cleanup();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("regression: a zone whose offset is not a multiple of 15 minutes is a config error", () => {
  // Kiritimati was −10:40 in 1975: 15-minute UTC cells straddled local hours, and
  // with all weight at 09:00 about 8% of starts fell at local 10:00.
  const a = datedConfig(
    "Pacific/Kiritimati",
    "1975-01-01",
    "1975-03-31",
    "1975-04-01",
    true,
  );
  assert.equal(
    configError(a),
    `config.yaml:${
      firstLineOf(a, "time_zone: Pacific/Kiritimati")
    }: population.countries[0].time_zone: Pacific/Kiritimati (US) is UTC-10:40 on 1974-12-31, not a whole multiple of 15 minutes, which every offset must be from 1974-12-31 (calendar.start − 1 day) to 1975-04-01 (calendar.end + the longest session)`,
  );
  // The range starts a day before the calendar: on 1979-10-01 Kiritimati is still
  // −10:40 until 10:40Z, from 1979-10-02 on it is −10:00.
  const late = datedConfig(
    "Pacific/Kiritimati",
    "1979-10-02",
    "1979-12-31",
    "1980-01-01",
  );
  assert.match(configError(late), /is UTC-10:40 on 1979-10-01, not a whole/);
  const ok = datedConfig(
    "Pacific/Kiritimati",
    "1979-10-03",
    "1979-12-31",
    "1980-01-01",
  );
  parseConfig(ok, "config.yaml");
  // Only a listed zone's own offset counts: Kathmandu's +5:45 is accepted.
  parseConfig(
    BASE.replace("time_zone: Asia/Kolkata", "time_zone: Asia/Kathmandu"),
    "config.yaml",
  );
});

Deno.test("regression: generate refuses Monrovia's −0:44:30 of 1971 (exit 2, nothing written)", () => {
  // The raw session_start_local used to end in "-00:44.5", not ISO 8601, and
  // validate passed it.
  const dir = Deno.makeTempDirSync({ prefix: "chatsynth-tz-" });
  try {
    const text = datedConfig(
      "Africa/Monrovia",
      "1971-01-01",
      "1971-03-31",
      "1971-04-01",
    );
    const config = `${dir}/config.yaml`;
    Deno.writeTextFileSync(config, text);
    const r = runMain(
      ["--allow-read", `--allow-write=${dir}`, "--allow-env"],
      ["--config", config, "--out", `${dir}/out`, "--formats", "raw"],
    );
    assert.equal(r.code, 2, r.stderr);
    assert.equal(
      r.stderr,
      `error: ${config}:${
        firstLineOf(text, "time_zone: Africa/Monrovia")
      }: population.countries[0].time_zone: Africa/Monrovia (US) is UTC-00:44:30 on 1970-12-31, not a whole multiple of 15 minutes, which every offset must be from 1970-12-31 (calendar.start − 1 day) to 1971-04-01 (calendar.end + the longest session)\n`,
    );
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), [
      "config.yaml",
    ]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
