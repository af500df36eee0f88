/**
 * `validate` is blind to nothing: a valid dataset passes, and each corruption of a
 * copy of it (timestamps swapped, latency shuffled within its channel, intents
 * replaced, latency scaled, turn rows dropped, a duplicated session, sessions moved
 * between weekday × hour cells with both marginals unchanged) makes the CLI exit 1 and
 * name the failed check. Every corruption is first confirmed on the file itself with
 * independent code (Date.parse, plain string handling), and the report's digest of
 * the file it read is compared with `sha256sum`.
 */
import assert from "node:assert/strict";
import { generateTemp, listFiles, ROOT, runMain } from "./helpers.ts";
import { runCliInProcess } from "./cli_in_process.ts";
import { validateDataset } from "../lib/validate/validate.ts";
import { RULES } from "../lib/validate/observations.ts";
import { parseTimestamp } from "../lib/validate/read_dataset.ts";
import { StreamFactory } from "../lib/random/mod.ts";

const TURN = "star/fact_turn.csv";
const SESSION = "star/fact_session.csv";

function copyDataset(from: string): { dir: string; cleanup: () => void } {
  const parent = Deno.makeTempDirSync({ prefix: "chatsynth-corrupt-" });
  const dir = `${parent}/ds`;
  for (const rel of listFiles(from)) {
    const to = `${dir}/${rel}`;
    Deno.mkdirSync(to.slice(0, to.lastIndexOf("/")), { recursive: true });
    Deno.copyFileSync(`${from}/${rel}`, to);
  }
  return { dir, cleanup: () => Deno.removeSync(parent, { recursive: true }) };
}

/** A CSV file of the dataset as header and rows of fields (fact tables have no quotes). */
function readTable(
  dir: string,
  rel: string,
): { head: string[]; rows: string[][] } {
  const lines = Deno.readTextFileSync(`${dir}/${rel}`).split("\n");
  assert.equal(lines.pop(), "", `${rel} ends with LF`);
  return {
    head: lines[0].split(","),
    rows: lines.slice(1).map((l) => l.split(",")),
  };
}

function writeTable(
  dir: string,
  rel: string,
  head: string[],
  rows: string[][],
) {
  Deno.writeTextFileSync(
    `${dir}/${rel}`,
    [head, ...rows].map((r) => r.join(",")).join("\n") + "\n",
  );
}

function sha256sum(path: string): string {
  const r = new Deno.Command("sha256sum", { args: [path], stdout: "piped" })
    .outputSync();
  assert.equal(r.code, 0);
  return new TextDecoder().decode(r.stdout).split(" ")[0];
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Validate a corrupted copy with the CLI; returns its stdout after checking exit 1.
 * In the test's process by default, without the page (`--no-html`: the verdict and
 * validation.json are what is checked here; tests/report_html_test.ts checks the
 * page of an altered dataset); `subprocess` runs `deno run main.ts` (one case
 * does, for the process's exit code and stderr).
 */
async function validateFails(
  dir: string,
  changed: string[],
  subprocess = false,
): Promise<string> {
  const v = subprocess
    ? runMain(
      ["--allow-read", `--allow-write=${dir}`, "--allow-env"],
      ["validate", dir],
    )
    : await runCliInProcess(["validate", dir, "--no-html"]);
  assert.equal(v.code, 1, v.stdout + v.stderr);
  assert.equal(v.stderr, "");
  // The report says which bytes it read: each changed file's SHA-256 as sha256sum
  // computes it, marked as differing from the manifest, also on the terminal.
  assert.match(
    v.stdout,
    new RegExp(
      `files read differ from the manifest: ${escape(changed.join(", "))};`,
    ),
  );
  const report = JSON.parse(Deno.readTextFileSync(`${dir}/validation.json`));
  for (const rel of changed) {
    const f = report.dataset.files.find((x: { path: string }) =>
      x.path === rel
    );
    assert.equal(f.sha256, sha256sum(`${dir}/${rel}`));
    assert.equal(f.manifest, "differs");
  }
  return v.stdout;
}

function failsRule(stdout: string, rule: string): void {
  assert.match(
    stdout,
    new RegExp(`FAIL {2}${escape(rule)}: [\\d,]+ violations?`),
  );
}

Deno.test("validate catches every corruption of a valid dataset, naming the check", async (t) => {
  const ds = generateTemp({
    seed: 7,
    sessions: 3000,
    users: 600,
    formats: ["star"],
  });
  const streams = new StreamFactory(99);
  const corrupt = (
    name: string,
    edit: (dir: string) => string[],
    check: (stdout: string) => void,
    subprocess = false,
  ) =>
    t.step(name, async () => {
      const copy = copyDataset(ds.dir);
      try {
        const changed = edit(copy.dir);
        check(await validateFails(copy.dir, changed, subprocess));
      } finally {
        copy.cleanup();
      }
    });
  try {
    await t.step(
      "the valid dataset passes and matches its manifest",
      async () => {
        const r = await validateDataset(ds.dir);
        assert.equal(r.pass, true);
        assert.deepEqual(r.dataset.differs, []);
        assert.ok(r.rules.every((x) => x.violations === 0));
        for (const f of r.dataset.files) {
          assert.equal(f.sha256, sha256sum(`${ds.dir}/${f.path}`), f.path);
        }
      },
    );

    await corrupt(
      "user_ts and bot_ts swapped in 1% of turns",
      (dir) => {
        const { head, rows } = readTable(dir, TURN);
        const u = head.indexOf("user_ts"), b = head.indexOf("bot_ts");
        const rng = streams.stream("swap", 0);
        let swapped = 0;
        for (const r of rows) {
          if (rng.next() < 0.01) {
            [r[u], r[b]] = [r[b], r[u]];
            swapped++;
          }
        }
        writeTable(dir, TURN, head, rows);
        const later = rows.filter((r) => Date.parse(r[u]) > Date.parse(r[b]));
        assert.equal(later.length, swapped);
        assert.ok(swapped > 100);
        return [TURN];
      },
      (out) => failsRule(out, "user_ts < bot_ts on every turn"),
      true,
    );

    await corrupt("latency_ms shuffled within each channel", (dir) => {
      const { head, rows } = readTable(dir, TURN);
      const l = head.indexOf("latency_ms"), ch = head.indexOf("channel_key");
      const rng = streams.stream("shuffle", 0);
      const byChannel = new Map<string, string[][]>();
      for (const r of rows) {
        byChannel.set(r[ch], [...(byChannel.get(r[ch]) ?? []), r]);
      }
      for (const group of byChannel.values()) {
        const before = group.map((r) => r[l]).sort().join();
        for (let i = group.length - 1; i > 0; i--) {
          const j = Math.floor(rng.next() * (i + 1));
          [group[i][l], group[j][l]] = [group[j][l], group[i][l]];
        }
        // The latencies of each channel are the same multiset: only their
        // link to the timestamps is broken.
        assert.equal(group.map((r) => r[l]).sort().join(), before);
      }
      writeTable(dir, TURN, head, rows);
      return [TURN];
    }, (out) => {
      failsRule(out, "bot_ts − user_ts = latency_ms on every turn");
      assert.doesNotMatch(out, /FAIL {2}latency_ms \| channel/);
    });

    await corrupt("3% of intents replaced by another intent", (dir) => {
      const { head, rows } = readTable(dir, TURN);
      const k = head.indexOf("intent_key");
      const rng = streams.stream("intent", 0);
      let replaced = 0;
      for (const r of rows) {
        if (rng.next() < 0.03) {
          const others = [1, 2, 3, 4, 5, 6, 7, 8].filter((x) =>
            String(x) !== r[k]
          );
          r[k] = String(others[Math.floor(rng.next() * others.length)]);
          replaced++;
        }
      }
      assert.ok(replaced > 400);
      writeTable(dir, TURN, head, rows);
      return [TURN];
    }, (out) => {
      failsRule(out, RULES.actIntent);
      failsRule(out, RULES.goal);
    });

    await corrupt("latency_ms × 1.1", (dir) => {
      const { head, rows } = readTable(dir, TURN);
      const l = head.indexOf("latency_ms");
      for (const r of rows) r[l] = String(Math.round(Number(r[l]) * 1.1));
      writeTable(dir, TURN, head, rows);
      return [TURN];
    }, (out) => {
      failsRule(out, "bot_ts − user_ts = latency_ms on every turn");
      assert.match(out, /FAIL {2}latency_ms \| channel=/);
    });

    await corrupt("1% of turn rows dropped", (dir) => {
      const { head, rows } = readTable(dir, TURN);
      const rng = streams.stream("drop", 0);
      const kept = rows.filter(() => rng.next() >= 0.01);
      assert.ok(rows.length - kept.length > 100);
      writeTable(dir, TURN, head, kept);
      return [TURN];
    }, (out) => {
      failsRule(
        out,
        "turn_count, fallback_count, fallback_rate, mean_confidence and mean_latency_ms equal their exact recomputation from the turns (rounded half away from zero)",
      );
      assert.match(out, /FAIL {2}turns read equal the manifest's count/);
    });

    await corrupt("a session replaced by a copy of session 2", (dir) => {
      const s = readTable(dir, SESSION), tr = readTable(dir, TURN);
      // The first later session with as many turns, so every count stays the same.
      const tc = s.head.indexOf("turn_count");
      const k = s.rows.findIndex((r, i) => i > 1 && r[tc] === s.rows[1][tc]);
      const key = s.rows[k][0];
      s.rows[k] = [key, ...s.rows[1].slice(1)];
      const of2 = tr.rows.filter((r) => r[0] === "2").map((r) => [
        key,
        ...r.slice(1),
      ]);
      const first = tr.rows.findIndex((r) => r[0] === key);
      tr.rows.splice(first, of2.length, ...of2);
      assert.equal(
        tr.rows.filter((r) => r[0] === key).map((r) => r.slice(1).join())
          .join(),
        of2.map((r) => r.slice(1).join()).join(),
      );
      writeTable(dir, SESSION, s.head, s.rows);
      writeTable(dir, TURN, tr.head, tr.rows);
      return [SESSION, TURN];
    }, (out) => {
      failsRule(
        out,
        "no duplicate sessions (all columns but the key, with their turns)",
      );
      // Nothing else is wrong with the copy.
      assert.equal(out.match(/^FAIL/gm)?.length, 1, out);
    });
  } finally {
    ds.cleanup();
  }
});

Deno.test("validate fails sessions moved between weekday × hour cells with both marginals kept", async () => {
  const parent = Deno.makeTempDirSync({ prefix: "chatsynth-utc-" });
  // Every country in one zone without offset: local cells are UTC cells, so a move
  // in UTC keeps every local marginal too.
  const utcConfig = `${parent}/config.yaml`;
  Deno.writeTextFileSync(
    utcConfig,
    Deno.readTextFileSync(`${ROOT}/config.yaml`)
      .replace(/time_zones: \[[^\]]*\]/g, "time_zone: Etc/UTC")
      .replace(/time_zone: [A-Za-z_/]+/g, "time_zone: Etc/UTC"),
  );
  const ds = generateTemp(
    { seed: 7, sessions: 3000, users: 600, formats: ["star"] },
    utcConfig,
  );
  const copy = copyDataset(ds.dir);
  try {
    const edit = (dir: string) => {
      const s = readTable(dir, SESSION), tr = readTable(dir, TURN);
      const st = s.head.indexOf("start_ts");
      const cell = (ts: string) => {
        const d = new Date(ts);
        return `${d.getUTCDay()} ${d.getUTCHours()}`;
      };
      // Monday 09h ↔ Tuesday 14h and Saturday 20h ↔ Sunday 10h: sessions of the first
      // cell of each pair move by +5 h / +14 h, as many of the second by −5 h / −14 h,
      // so every weekday and every hour keeps its count.
      const shift = new Map<string, number>();
      for (
        const [from, to, hours] of [["1 9", "2 14", 5], [
          "6 20",
          "0 10",
          -10,
        ]] as [
          string,
          string,
          number,
        ][]
      ) {
        const a = s.rows.filter((r) => cell(r[st]) === from);
        const b = s.rows.filter((r) => cell(r[st]) === to);
        const n = Math.min(a.length, b.length);
        assert.ok(n > 10, `${from}: ${a.length}, ${to}: ${b.length}`);
        a.slice(0, n).forEach((r) => shift.set(r[0], hours * 3_600_000));
        b.slice(0, n).forEach((r) => shift.set(r[0], -hours * 3_600_000));
      }
      const iso = (ts: string, ms: number) =>
        new Date(Date.parse(ts) + ms).toISOString();
      const dateKey = (ts: string) => ts.slice(0, 10).replaceAll("-", "");
      const timeKey = (ts: string) =>
        String(Number(ts.slice(11, 13)) * 100 + Number(ts.slice(14, 16)));
      const move = (
        t: { head: string[]; rows: string[][] },
        tsCols: string[],
        dateCol: string,
        timeCol: string,
      ) => {
        const ix = tsCols.map((c) => t.head.indexOf(c));
        const d = t.head.indexOf(dateCol), h = t.head.indexOf(timeCol);
        const ld = t.head.indexOf("local_date_key");
        const lh = t.head.indexOf("local_time_key");
        for (const r of t.rows) {
          const ms = shift.get(r[0]);
          if (ms === undefined) continue;
          for (const i of ix) r[i] = iso(r[i], ms);
          r[d] = dateKey(r[ix[0]]);
          r[h] = timeKey(r[ix[0]]);
          // fact_session's local keys: local time is UTC here.
          if (ld >= 0) [r[ld], r[lh]] = [r[d], r[h]];
        }
      };
      const hoursBefore = s.rows.map((r) => r[st].slice(11, 13)).sort()
        .join();
      const daysBefore = s.rows.map((r) => new Date(r[st]).getUTCDay()).sort()
        .join();
      move(s, ["start_ts", "end_ts"], "start_date_key", "start_time_key");
      move(tr, ["user_ts", "bot_ts"], "date_key", "time_key");
      assert.equal(
        s.rows.map((r) => r[st].slice(11, 13)).sort().join(),
        hoursBefore,
      );
      assert.equal(
        s.rows.map((r) => new Date(r[st]).getUTCDay()).sort().join(),
        daysBefore,
      );
      writeTable(dir, SESSION, s.head, s.rows);
      writeTable(dir, TURN, tr.head, tr.rows);
      return [SESSION, TURN];
    };
    const out = await validateFails(copy.dir, edit(copy.dir));
    assert.match(
      out,
      /FAIL {2}session start weekday × hour \(local time\)/,
    );
    assert.doesNotMatch(out, /FAIL {2}session start hour \(local time\):/);
    assert.doesNotMatch(out, /FAIL {2}session start weekday \(local time\):/);
    assert.doesNotMatch(out, /violation/);
  } finally {
    copy.cleanup();
    ds.cleanup();
    Deno.removeSync(parent, { recursive: true });
  }
});

Deno.test("validate checks the denormalized user and session fields: dim_user against the config, raw lines against each other", async (t) => {
  const ds = generateTemp({
    seed: 8,
    sessions: 1500,
    users: 300,
    formats: ["raw", "star"],
  });
  const onCopy = (
    name: string,
    edit: (dir: string) => string[],
    rule: string,
  ) =>
    t.step(name, async () => {
      const copy = copyDataset(ds.dir);
      try {
        const changed = edit(copy.dir);
        failsRule(await validateFails(copy.dir, changed), rule);
      } finally {
        copy.cleanup();
      }
    });
  const usersRule =
    "each user's age band, country name, region, locale, platform and signup date (calendar start − tenure_days) follow from the config; raw: every line of a user repeats the same user fields, and its language is its locale's";
  const languageRule =
    "each session's language is its user's: the language of the user's country's locale (pt_BR → pt)";
  try {
    await onCopy("star: one user's region changed", (dir) => {
      const lines = Deno.readTextFileSync(`${dir}/star/dim_user.csv`).split(
        "\n",
      );
      const head = lines[0].split(",");
      assert.equal(head.indexOf("region"), 7);
      // The region is the 8th field; names and e-mails carry no comma in this run.
      const f = lines[1].split(",");
      assert.equal(f.length, head.length);
      f[7] = f[7] === "Europe" ? "Asia Pacific" : "Europe";
      lines[1] = f.join(",");
      Deno.writeTextFileSync(`${dir}/star/dim_user.csv`, lines.join("\n"));
      return ["star/dim_user.csv"];
    }, usersRule);
    await onCopy("star: one session's language is not its user's", (dir) => {
      const { head, rows } = readTable(dir, SESSION);
      const k = head.indexOf("language");
      assert.ok(k > 0);
      // Session 1 in the other of German and English than its user writes.
      rows[0][k] = rows[0][k] === "de" ? "en" : "de";
      writeTable(dir, SESSION, head, rows);
      return [SESSION];
    }, languageRule);
  } finally {
    ds.cleanup();
  }
  const raw = generateTemp({
    seed: 8,
    sessions: 1500,
    users: 300,
    formats: ["raw"],
  });
  const RAW = "raw/turns.jsonl";
  const editLines = (
    dir: string,
    edit: (lines: Record<string, unknown>[]) => void,
  ) => {
    const text = Deno.readTextFileSync(`${dir}/${RAW}`);
    const lines = text.trimEnd().split("\n").map((l) => JSON.parse(l));
    edit(lines);
    Deno.writeTextFileSync(
      `${dir}/${RAW}`,
      lines.map((l) => JSON.stringify(l)).join("\n") + "\n",
    );
  };
  try {
    const rawStep = (
      name: string,
      edit: (l: Record<string, unknown>[]) => void,
      rule: string,
    ) =>
      t.step(name, async () => {
        const copy = copyDataset(raw.dir);
        try {
          editLines(copy.dir, edit);
          failsRule(await validateFails(copy.dir, [RAW]), rule);
        } finally {
          copy.cleanup();
        }
      });
    await rawStep(
      "raw: one line's user name differs from the user's other lines",
      (lines) => {
        const first = lines.findIndex((l, i) =>
          i > 0 && lines.slice(0, i).some((m) => m.user_id === l.user_id)
        );
        lines[first].user_name = `${lines[first].user_name}x`;
      },
      usersRule,
    );
    await rawStep(
      "raw: one user's language is not their locale's, on every line",
      (lines) => {
        const user = lines[0].user_id;
        const wrong = lines[0].language === "de" ? "en" : "de";
        for (const l of lines) if (l.user_id === user) l.language = wrong;
      },
      usersRule,
    );
    await rawStep(
      "raw: one line's session_end differs from its session's other lines",
      (lines) => {
        const k = lines.findIndex((l) => l.turn_number === 2);
        lines[k].session_end = lines[k].user_ts;
      },
      "each turn's user, channel, device, date and time keys agree with its session and user_ts; each session's start keys with start_ts and its device with its user's",
    );
    await rawStep(
      "raw: a session replaced by a copy of session 2",
      (lines) => {
        const of2 = lines.filter((l) => l.session_id === 2);
        const k = lines.find((l) =>
          (l.session_id as number) > 2 && l.session_turns === of2.length
        )!.session_id;
        const at = lines.findIndex((l) =>
          l.session_id === k
        );
        lines.splice(
          at,
          of2.length,
          ...of2.map((l) => ({ ...l, session_id: k })),
        );
      },
      "no duplicate sessions (all columns but the key, with their turns)",
    );
    await rawStep("raw: user_ts and bot_ts swapped on one line", (lines) => {
      const l = lines[10];
      [l.user_ts, l.bot_ts] = [l.bot_ts, l.user_ts];
      assert.ok(
        Date.parse(l.user_ts as string) > Date.parse(l.bot_ts as string),
      );
    }, "user_ts < bot_ts on every turn");
  } finally {
    raw.cleanup();
  }
});

Deno.test("validate's timestamp parser agrees with Date.parse and rejects what is not a timestamp", () => {
  const rng = new StreamFactory(3).stream("timestamps", 0);
  for (let i = 0; i < 20_000; i++) {
    const ms = Math.floor((rng.next() * 2 - 1) * 4e12);
    const ts = new Date(ms).toISOString();
    assert.equal(parseTimestamp(ts), Date.parse(ts), ts);
  }
  for (
    const bad of [
      "2025-02-29T00:00:00.000Z",
      "2025-13-01T00:00:00.000Z",
      "2025-01-01T24:00:00.000Z",
      "2025-01-01 00:00:00.000Z",
      "2025-01-01T00:00:00.000",
      "2025-01-01T00:00:0x.000Z",
      "",
    ]
  ) assert.ok(Number.isNaN(parseTimestamp(bad)), bad);
  assert.equal(
    parseTimestamp("2024-02-29T23:59:59.999Z"),
    Date.parse("2024-02-29T23:59:59.999Z"),
  );
});

/** The dimension-tables rule as the report words it, from the files on disk. */
function dimensionRule(dir: string, folder: string, first: string): string {
  const tables =
    listFiles(dir).filter((p) =>
      p.startsWith(`${folder}/dim_`) && p !== `${folder}/dim_user.csv`
    ).length;
  return `dimension tables but dim_user equal what the config defines (${tables} tables compared byte for byte; first difference: ${first})`;
}

Deno.test("validate checks dimension tables, dim_user e-mails and value formats", async (t) => {
  const star = generateTemp({
    seed: 3,
    sessions: 300,
    users: 120,
    formats: ["star"],
  });
  const snow = generateTemp({
    seed: 3,
    sessions: 300,
    users: 120,
    formats: ["snowflake"],
  });
  const corrupt = (
    name: string,
    from: string,
    edit: (dir: string) => string[],
    check: (stdout: string, dir: string) => void,
  ) =>
    t.step(name, async () => {
      const copy = copyDataset(from);
      try {
        const changed = edit(copy.dir);
        check(await validateFails(copy.dir, changed), copy.dir);
      } finally {
        copy.cleanup();
      }
    });
  try {
    await corrupt(
      "two intent names swapped in star dim_intent",
      star.dir,
      (dir) => {
        const rel = "star/dim_intent.csv";
        const { head, rows } = readTable(dir, rel);
        const n = head.indexOf("intent_name");
        assert.notEqual(rows[0][n], rows[1][n]);
        [rows[0][n], rows[1][n]] = [rows[1][n], rows[0][n]];
        writeTable(dir, rel, head, rows);
        return [rel];
      },
      (out, dir) =>
        failsRule(
          out,
          dimensionRule(dir, "star", "star/dim_intent.csv line 2"),
        ),
    );

    await corrupt(
      "a region renamed in snowflake-only dim_region",
      snow.dir,
      (dir) => {
        const rel = "snowflake/dim_region.csv";
        const { head, rows } = readTable(dir, rel);
        const n = head.indexOf("region");
        rows[1][n] = "Atlantis";
        writeTable(dir, rel, head, rows);
        return [rel];
      },
      (out, dir) =>
        failsRule(
          out,
          dimensionRule(dir, "snowflake", "snowflake/dim_region.csv line 3"),
        ),
    );

    await corrupt("two dim_user rows share an e-mail", star.dir, (dir) => {
      const rel = "star/dim_user.csv";
      const lines = Deno.readTextFileSync(`${dir}/${rel}`).split("\n");
      const head = lines[0].split(",");
      const e = head.indexOf("email");
      // The first three columns hold no quotes or commas, so the e-mail is field e.
      assert.ok(e >= 0 && e < 3, head.join());
      const a = lines[5].split(","), b = lines[9].split(",");
      assert.equal(a.length, head.length);
      assert.equal(b.length, head.length);
      assert.notEqual(a[e], b[e]);
      b[e] = a[e];
      lines[9] = b.join(",");
      Deno.writeTextFileSync(`${dir}/${rel}`, lines.join("\n"));
      return [rel];
    }, (out) =>
      failsRule(
        out,
        "no two dim_user rows share an e-mail (64-bit hashes, equal ones compared exactly; raw: not checked)",
      ));

    await corrupt(
      "two dim_user rows swapped (keys out of order)",
      star.dir,
      (dir) => {
        const rel = "star/dim_user.csv";
        const lines = Deno.readTextFileSync(`${dir}/${rel}`).split("\n");
        [lines[3], lines[4]] = [lines[4], lines[3]];
        assert.ok(lines[3].startsWith("4,") && lines[4].startsWith("3,"));
        Deno.writeTextFileSync(`${dir}/${rel}`, lines.join("\n"));
        return [rel];
      },
      (out) =>
        failsRule(
          out,
          "rows in key order: sessions 1..N once each, each session's turns next to it and numbered 1..turn_count, users once each (dim_user: keys 1..N in order)",
        ),
    );

    const FORMAT_RULE =
      "every fact value validate reads in its column's format: integers without a point, decimals with exactly the schema's digits, booleans true or false, no surrounding whitespace (raw: not checked)";
    /** Set one column of one fact row (0-based) to `value`. */
    const setValue =
      (rel: string, row: number, column: string, value: string) =>
      (dir: string) => {
        const { head, rows } = readTable(dir, rel);
        const k = head.indexOf(column);
        assert.ok(k >= 0, column);
        assert.notEqual(rows[row][k], value);
        rows[row][k] = value;
        writeTable(dir, rel, head, rows);
        return [rel];
      };
    await corrupt(
      'satisfaction "2.4" (an integer column)',
      star.dir,
      setValue(SESSION, 4, "satisfaction", "2.4"),
      (out) => failsRule(out, FORMAT_RULE),
    );
    await corrupt(
      'resolved "banana" (a boolean column)',
      snow.dir,
      setValue("snowflake/fact_session.csv", 7, "resolved", "banana"),
      (out) => failsRule(out, FORMAT_RULE),
    );
    await corrupt(
      "confidence with a fifth decimal (a 4-decimal column)",
      star.dir,
      (dir) => {
        const { head, rows } = readTable(dir, TURN);
        const k = head.indexOf("confidence");
        assert.match(rows[10][k], /^0\.\d{4}$/);
        rows[10][k] += "0";
        writeTable(dir, TURN, head, rows);
        return [TURN];
      },
      (out) => failsRule(out, FORMAT_RULE),
    );
  } finally {
    star.cleanup();
    snow.cleanup();
  }
});

Deno.test("validate fails escalations in a dataset whose model gives them probability exactly 0", async () => {
  // A config copy with every dialogue probability 0: no greeting, closing,
  // escalation, switch or leaving after a fallback.
  const parent = Deno.makeTempDirSync({ prefix: "chatsynth-zero-" });
  try {
    const keys = [
      "greet_probability",
      "close_probability",
      "escalate_probability",
      "switch_probability",
      "leave_after_fallback",
    ];
    let text = Deno.readTextFileSync(`${ROOT}/config.yaml`);
    for (const k of keys) {
      const re = new RegExp(`^  ${k}: [0-9.]+$`, "m");
      assert.match(text, re);
      text = text.replace(re, `  ${k}: 0`);
    }
    Deno.writeTextFileSync(`${parent}/zero.yaml`, text);
    const ds = generateTemp(
      { seed: 7, sessions: 3000, users: 600, formats: ["star"] },
      `${parent}/zero.yaml`,
    );
    try {
      const copy = copyDataset(ds.dir);
      try {
        // Keys by name from the dimension tables (plain CSV, no quotes in these rows).
        const keyOf = (rel: string, name: string) => {
          const { rows } = readTable(copy.dir, rel);
          const row = rows.find((r) => r[1] === name);
          assert.ok(row, `${name} in ${rel}`);
          return row[0];
        };
        const escalation = keyOf("star/dim_intent.csv", "escalation");
        const requestAgent = keyOf(
          "star/dim_dialogue_act.csv",
          "request_agent",
        );
        const handoff = keyOf("star/dim_dialogue_act.csv", "handoff");
        const turns = readTable(copy.dir, TURN);
        const sessions = readTable(copy.dir, SESSION);
        const col = (t: { head: string[] }, name: string) => {
          const i = t.head.indexOf(name);
          assert.ok(i >= 0, name);
          return i;
        };
        const [tSession, tIntent, tUser, tBot, tFallback] = [
          "session_key",
          "intent_key",
          "user_act_key",
          "bot_act_key",
          "is_fallback",
        ].map((n) => col(turns, n));
        const [sKey, sEscalated, sResolved] = [
          "session_key",
          "escalated",
          "resolved",
        ]
          .map((n) => col(sessions, n));
        assert.ok(!turns.rows.some((r) => r[tIntent] === escalation));
        // The turns of each session, in file order (turn_number ascending).
        const bySession = new Map<string, string[][]>();
        for (const r of turns.rows) {
          bySession.set(r[tSession], [
            ...(bySession.get(r[tSession]) ?? []),
            r,
          ]);
        }
        // 10 sessions of two or more turns whose last two turns were answered (the
        // last is then no rephrase): the last one becomes an answered request for
        // a human, and the session escalated and unresolved.
        const changed: string[] = [];
        for (const s of sessions.rows) {
          if (changed.length === 10) break;
          const ts = bySession.get(s[sKey])!;
          if (ts.length < 2 || s[sEscalated] !== "false") continue;
          const [before, last] = ts.slice(-2);
          if (before[tFallback] !== "false" || last[tFallback] !== "false") {
            continue;
          }
          last[tIntent] = escalation;
          last[tUser] = requestAgent;
          last[tBot] = handoff;
          s[sEscalated] = "true";
          s[sResolved] = "false";
          changed.push(s[sKey]);
        }
        assert.equal(changed.length, 10);
        writeTable(copy.dir, SESSION, sessions.head, sessions.rows);
        writeTable(copy.dir, TURN, turns.head, turns.rows);
        const out = await validateFails(copy.dir, [SESSION, TURN]);
        // Every deterministic rule still holds: only the statistics can tell.
        const rules = out.match(/(\d+)\/(\d+) rules pass/);
        assert.ok(rules, out);
        assert.equal(rules[1], rules[2], out);
        assert.match(
          out,
          /FAIL {2}intent share \| intent=escalation \(turns, clustered by session\)/,
        );
      } finally {
        copy.cleanup();
      }
    } finally {
      ds.cleanup();
    }
  } finally {
    Deno.removeSync(parent, { recursive: true });
  }
});
