/**
 * `FileSink` against the file system and node:crypto: the bytes on disk are the rows
 * joined by LF (with the header first), every copy is identical, and the reported
 * size, row count and SHA-256 are those of the bytes read back.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { FileSink } from "../lib/sink/file_sink.ts";

const sha256 = (b: Uint8Array | string) =>
  createHash("sha256").update(b).digest("hex");

function withTempDir(fn: (dir: string) => void): void {
  const dir = Deno.makeTempDirSync({ prefix: "chatsynth-sink-" });
  try {
    fn(dir);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

Deno.test("FileSink writes header and rows with LF, identical copies, and reports what is on disk", () => {
  withTempDir((dir) => {
    const files = [`${dir}/a.csv`, `${dir}/b.csv`];
    const sink = new FileSink({ names: ["x/a.csv"], files, header: "id,text" });
    // Multi-byte UTF-8 (2, 3 and 4 bytes, a surrogate pair) and a quoted comma.
    const rows = ["1,plain", '2,"a, b"', "3,é", "4,한국어", "5,😀"];
    for (const r of rows) sink.row(r);
    const res = sink.close();
    const bytes = Deno.readFileSync(files[0]);
    assert.deepEqual(Deno.readFileSync(files[1]), bytes);
    assert.equal(
      new TextDecoder("utf-8", { fatal: true }).decode(bytes),
      'id,text\n1,plain\n2,"a, b"\n3,é\n4,한국어\n5,😀\n',
    );
    assert.deepEqual(res.names, ["x/a.csv"]);
    assert.equal(res.bytes, Deno.statSync(files[0]).size);
    // 8 + 8 + 9 + 5 + 12 + 7 = 49 bytes by hand (é is 2 bytes, each hangul 3, 😀 4).
    assert.equal(res.bytes, 49);
    assert.equal(res.rows, 5);
    assert.equal(res.sha256, sha256(bytes));
  });
});

Deno.test("FileSink without a header (JSONL) counts every line as a row", () => {
  withTempDir((dir) => {
    const sink = new FileSink({ names: ["raw"], files: [`${dir}/t.jsonl`] });
    sink.row('{"a":1}');
    sink.row('{"a":2}');
    const res = sink.close();
    const text = Deno.readTextFileSync(`${dir}/t.jsonl`);
    assert.equal(text, '{"a":1}\n{"a":2}\n');
    assert.equal(res.rows, text.split("\n").length - 1);
    assert.equal(res.sha256, sha256(text));
  });
});

Deno.test("FileSink across many flushes: same bytes and digest as the whole text", () => {
  withTempDir((dir) => {
    const path = `${dir}/big.csv`;
    const sink = new FileSink({ names: ["big"], files: [path], header: "n,s" });
    const lines: string[] = ["n,s"];
    // ~1.6 M UTF-16 code units: many 64 Ki flushes, rows straddling each boundary.
    for (let i = 0; i < 40_000; i++) {
      const line = `${i},${"ü".repeat(i % 37)}${"x".repeat(i % 11)}€`;
      lines.push(line);
      sink.row(line);
    }
    const res = sink.close();
    const expected = new TextEncoder().encode(lines.join("\n") + "\n");
    const bytes = Deno.readFileSync(path);
    assert.equal(bytes.length, expected.length);
    assert.equal(sha256(bytes), sha256(expected));
    assert.equal(res.sha256, sha256(expected));
    assert.equal(res.bytes, expected.length);
    assert.equal(res.rows, 40_000);
  });
});

Deno.test("FileSink with no files only hashes; a header-only sink is one line", () => {
  const hashOnly = new FileSink({ names: ["v"], files: [], header: "h" });
  hashOnly.row("r");
  const r = hashOnly.close();
  assert.equal(r.sha256, sha256("h\nr\n"));
  assert.equal(r.bytes, 4);
  assert.equal(r.rows, 1);
  const empty = new FileSink({ names: ["e"], files: [], header: "only" });
  const e = empty.close();
  assert.equal(e.sha256, sha256("only\n"));
  assert.equal(e.rows, 0);
  const none = new FileSink({ names: ["n"], files: [] }).close();
  assert.equal(none.sha256, sha256(""));
  assert.equal(none.bytes, 0);
});

Deno.test("FileSink truncates an existing file and throws NotFound for a missing folder", () => {
  withTempDir((dir) => {
    const path = `${dir}/old.csv`;
    Deno.writeTextFileSync(
      path,
      "a much longer previous content\n".repeat(100),
    );
    const sink = new FileSink({ names: ["o"], files: [path] });
    sink.row("new");
    sink.close();
    assert.equal(Deno.readTextFileSync(path), "new\n");
    // The first file opens, the second cannot: the error propagates (the opened one
    // is closed, so removing the folder below works and no resource leaks).
    assert.throws(
      () =>
        new FileSink({
          names: ["m"],
          files: [`${dir}/ok.csv`, `${dir}/missing/x.csv`],
        }),
      Deno.errors.NotFound,
    );
  });
});

Deno.test("FileSink.abort closes the files and may be called twice", () => {
  withTempDir((dir) => {
    const sink = new FileSink({ names: ["a"], files: [`${dir}/a.csv`] });
    sink.row("pending");
    sink.abort();
    sink.abort();
    // Nothing was flushed: the file exists, empty.
    assert.equal(Deno.statSync(`${dir}/a.csv`).size, 0);
  });
});
