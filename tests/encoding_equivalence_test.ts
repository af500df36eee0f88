/**
 * Text and Parquet encodings of one dataset hold the same data (docs/design.md §11):
 * a dataset generated through the command line with `--encoding text,parquet` is
 * read back table by table, every Parquet file by hyparquet (a reader other than the
 * writer) and every text file by a strict parser (csv-parse for CSV, JSON.parse for
 * JSONL, numbers taken from their source text), and every cell is compared in exact
 * terms: integers and decimal units as integers, dates as days, timestamps as epoch
 * milliseconds, wall-clock times as the local time, strings as they are. The
 * manifest, SHA256SUMS (checked by `sha256sum -c`) and datapackage.json must list
 * the Parquet files; and the same command run again under another time zone and
 * locale gives the same fingerprint and the same Parquet bytes.
 */
import assert from "node:assert/strict";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import type { FileMetaData, ParquetParsers, SchemaElement } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { listFiles, readCsv, runMain } from "./helpers.ts";

const ARGS = [
  "--sessions",
  "300",
  "--users",
  "80",
  "--encoding",
  "text,parquet",
  "--quiet",
];

const PARENT = Deno.makeTempDirSync({ prefix: "chatsynth-equivalence-" });
globalThis.addEventListener("unload", () => {
  try {
    Deno.removeSync(PARENT, { recursive: true });
  } catch {
    // Already gone.
  }
});

const generated = new Map<string, string>();

/** Generate the dataset into `PARENT/name` (once per name) through the CLI. */
function generate(name: string, env: Record<string, string> = {}): string {
  const known = generated.get(name);
  if (known) return known;
  const out = `${PARENT}/${name}`;
  const r = runMain(
    ["--allow-read", `--allow-write=${PARENT}`, "--allow-env"],
    [...ARGS, "--out", out],
    env,
  );
  assert.equal(r.code, 0, r.stderr);
  generated.set(name, out);
  return out;
}

/** Strict UTF-8: invalid bytes are an error, not U+FFFD. */
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Keep dates as day numbers and timestamps as bigint milliseconds. */
const RAW_PARSERS = {
  timestampFromMilliseconds: (millis: bigint) => millis,
  timestampFromMicroseconds: () => {
    throw new Error("Unexpected microsecond timestamp");
  },
  dateFromDays: (days: number) => days,
  stringFromBytes: (bytes: Uint8Array) => strictUtf8.decode(bytes),
} as unknown as Partial<ParquetParsers>;

/** The metadata with DECIMAL annotations removed, so hyparquet returns unscaled integers. */
function unscaled(meta: FileMetaData): FileMetaData {
  return {
    ...meta,
    schema: meta.schema.map((e): SchemaElement =>
      e.converted_type === "DECIMAL"
        ? { ...e, converted_type: undefined, logical_type: undefined }
        : e
    ),
  };
}

/** A Parquet file's column elements and rows (unscaled decimals, raw dates and times). */
async function readParquet(
  path: string,
): Promise<{ columns: SchemaElement[]; rows: Record<string, unknown>[] }> {
  const b = Deno.readFileSync(path);
  const file = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  const meta = parquetMetadata(file);
  const rows = await parquetReadObjects({
    file,
    metadata: unscaled(meta),
    compressors,
    parsers: RAW_PARSERS,
  });
  return { columns: meta.schema.slice(1), rows };
}

/**
 * The unscaled integer of a decimal text with exactly `scale` decimals
 * ("-0.3940" at 4 → −3940n), by string manipulation.
 */
function decimalUnits(text: string, scale: number): bigint {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  assert.ok(m, `not a decimal: ${text}`);
  assert.equal((m[3] ?? "").length, scale, `${text} at scale ${scale}`);
  const units = BigInt(m[2] + (m[3] ?? ""));
  return m[1] ? -units : units;
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` text. */
function dayNumber(text: string): number {
  const m = /^(\d{4})-(\d\d)-(\d\d)$/.exec(text);
  assert.ok(m, `not a date: ${text}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Date.UTC rolls over invalid days (02-30): the round trip must give the text.
  assert.equal(new Date(ms).toISOString().slice(0, 10), text);
  return ms / 86_400_000;
}

/**
 * Compare one cell: `text` is the text encoding's cell (a CSV field, or the JSON
 * value's source text for numbers and booleans, the decoded string for strings).
 */
function assertCell(
  e: SchemaElement,
  parquet: unknown,
  text: string,
  where: string,
): void {
  const logical = e.logical_type;
  if (e.converted_type === "DECIMAL") {
    assert.equal(
      typeof parquet === "bigint" || typeof parquet === "number",
      true,
    );
    assert.equal(
      BigInt(parquet as number),
      decimalUnits(text, e.scale ?? 0),
      where,
    );
  } else if (e.type === "BOOLEAN") {
    assert.ok(text === "true" || text === "false", where);
    assert.equal(parquet, text === "true", where);
  } else if (e.converted_type === "DATE") {
    assert.equal(parquet, dayNumber(text), where);
  } else if (logical?.type === "TIMESTAMP") {
    assert.equal(logical.unit, "MILLIS", where);
    if (logical.isAdjustedToUTC) {
      assert.match(text, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, where);
      assert.equal(parquet, BigInt(Date.parse(text)), where);
    } else {
      // The text has the offset; the Parquet value is the local wall-clock time.
      const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})[+-]\d\d:\d\d$/.exec(
        text,
      );
      assert.ok(m, `${where}: ${text}`);
      assert.equal(parquet, BigInt(Date.parse(`${m[1]}Z`)), where);
    }
  } else if (e.type === "INT32" || e.type === "INT64") {
    assert.match(text, /^-?\d+$/, where);
    assert.equal(BigInt(parquet as number), BigInt(text), where);
  } else {
    assert.equal(e.type, "BYTE_ARRAY", where);
    assert.equal(typeof parquet, "string", where);
    assert.equal(parquet, text, where);
  }
}

/** Rows of a JSONL file, every number and boolean as its source text. */
function readJsonl(path: string): { keys: string[]; rows: string[][] } {
  const text = Deno.readTextFileSync(path);
  assert.ok(text.endsWith("\n"), `${path} does not end with LF`);
  const lines = text.slice(0, -1).split("\n");
  let keys: string[] | undefined;
  const rows = lines.map((line, i) => {
    const o = JSON.parse(
      line,
      (_k, v, context?: { source?: string }) =>
        typeof v === "number" || typeof v === "boolean" ? context?.source : v,
    ) as Record<string, unknown>;
    const k = Object.keys(o);
    keys ??= k;
    assert.deepEqual(k, keys, `${path}:${i + 1}`);
    return k.map((key) => {
      assert.equal(typeof o[key], "string", `${path}:${i + 1} ${key}`);
      return o[key] as string;
    });
  });
  return { keys: keys ?? [], rows };
}

interface ManifestFile {
  path: string;
  rows: number;
  sha256: string;
}

Deno.test("Encodings: every cell of every raw, star and snowflake table is the same in Parquet and in text", async () => {
  const dir = generate("a");
  const files = listFiles(dir);
  const parquet = files.filter((f) => f.endsWith(".parquet"));
  const text = files.filter((f) => /\.(csv|jsonl)$/.test(f));
  // One Parquet file for each text file, and the other way round.
  assert.deepEqual(
    parquet,
    text.map((f) => f.replace(/\.(csv|jsonl)$/, ".parquet")),
  );
  for (const schema of ["raw", "star", "snowflake"]) {
    assert.ok(
      parquet.some((f) => f.startsWith(`${schema}/`)),
      `no ${schema} Parquet`,
    );
  }
  const manifest = JSON.parse(Deno.readTextFileSync(`${dir}/manifest.json`));
  const rowsOf = new Map<string, number>(
    (manifest.files as ManifestFile[]).map((f) => [f.path, f.rows]),
  );
  let cells = 0;
  for (const [i, p] of parquet.entries()) {
    const t = text[i];
    const { columns, rows } = await readParquet(`${dir}/${p}`);
    const { keys, rows: textRows } = t.endsWith(".csv")
      ? (({ header, rows }) => ({ keys: header, rows }))(readCsv(`${dir}/${t}`))
      : readJsonl(`${dir}/${t}`);
    assert.deepEqual(columns.map((c) => c.name), keys, p);
    assert.equal(rows.length, textRows.length, p);
    assert.ok(rows.length > 0, `${p} has no rows`);
    assert.equal(rowsOf.get(p), rows.length, `${p} rows in the manifest`);
    assert.equal(rowsOf.get(t), textRows.length, `${t} rows in the manifest`);
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r];
      columns.forEach((c, k) => {
        assertCell(
          c,
          row[c.name],
          textRows[r][k],
          `${p} row ${r + 1} ${c.name}`,
        );
        cells++;
      });
    }
  }
  // 300 sessions give thousands of turns: the loops above did run.
  assert.ok(cells > 50_000, `${cells} cells`);
});

Deno.test("Encodings: SHA256SUMS, the manifest and datapackage.json cover the Parquet files", () => {
  const dir = generate("a");
  const parquet = listFiles(dir).filter((f) => f.endsWith(".parquet"));
  const check = new Deno.Command("sha256sum", {
    args: ["--check", "--strict", "SHA256SUMS"],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  }).outputSync();
  assert.equal(check.code, 0, new TextDecoder().decode(check.stderr));
  const summed = Deno.readTextFileSync(`${dir}/SHA256SUMS`).trim().split("\n")
    .map((l) => l.slice(66));
  for (const p of parquet) assert.ok(summed.includes(p), `${p} not summed`);
  const manifest = JSON.parse(Deno.readTextFileSync(`${dir}/manifest.json`));
  const listed = (manifest.files as ManifestFile[]).map((f) => f.path);
  for (const p of parquet) assert.ok(listed.includes(p), `${p} not listed`);
  const pkg = JSON.parse(Deno.readTextFileSync(`${dir}/datapackage.json`));
  const resources = (pkg.resources as {
    path: string;
    format: string;
    mediatype: string;
  }[]).filter((r) => r.path.endsWith(".parquet"));
  assert.deepEqual(resources.map((r) => r.path).sort(), parquet);
  for (const r of resources) {
    assert.equal(r.format, "parquet", r.path);
    assert.equal(r.mediatype, "application/vnd.apache.parquet", r.path);
  }
});

Deno.test("Encodings: the same command under another time zone and locale gives the same fingerprint and Parquet bytes", () => {
  const a = generate("a");
  const b = generate("b", {
    TZ: "America/New_York",
    LC_ALL: "de_DE.UTF-8",
    LANG: "de_DE.UTF-8",
  });
  const fingerprint = (dir: string) =>
    JSON.parse(Deno.readTextFileSync(`${dir}/manifest.json`)).fingerprint;
  assert.match(fingerprint(a), /^[0-9a-f]{64}$/);
  assert.equal(fingerprint(b), fingerprint(a));
  const parquet = listFiles(a).filter((f) => f.endsWith(".parquet"));
  assert.deepEqual(
    listFiles(b).filter((f) => f.endsWith(".parquet")),
    parquet,
  );
  const sums = (dir: string) => {
    const r = new Deno.Command("sha256sum", {
      args: ["--", ...parquet],
      cwd: dir,
    }).outputSync();
    assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
    return new TextDecoder().decode(r.stdout);
  };
  const sa = sums(a);
  assert.equal(sa.trim().split("\n").length, parquet.length);
  assert.equal(sums(b), sa);
});
