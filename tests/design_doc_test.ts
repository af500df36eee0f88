/**
 * The repository stands on its own: no tracked file points the reader to a
 * document outside the repository, and every citation of `docs/design.md` (a
 * section number `§N.M` or an anchor `#id`) resolves to a heading of that file.
 * The file list comes from `git ls-files` (the file system when the tree is not a
 * git checkout), never from a list kept in the test.
 */
import assert from "node:assert/strict";
import { ROOT } from "./helpers.ts";

const DESIGN = "docs/design.md";

/** Patterns naming documents that are not in the repository. Built from pieces so
 * this file does not match itself. */
const OUTSIDE = [
  new RegExp("SPEC" + "\\.md"),
  new RegExp("\\bSPEC" + "\\s*§"),
  new RegExp("seed" + "\\s+document", "i"),
  new RegExp("seed" + "/000_"),
];

/** Every file below `dir` except version control and generated output. */
function walk(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (!prefix && /^(\.git|output(\.partial)?|node_modules)$/.test(e.name)) {
      continue;
    }
    if (e.isDirectory) out.push(...walk(`${dir}/${e.name}`, rel));
    else if (e.isFile) out.push(rel);
  }
  return out;
}

/** Tracked files, relative to the repository root. */
function trackedFiles(): string[] {
  try {
    const r = new Deno.Command("git", {
      args: ["ls-files", "-z"],
      cwd: ROOT,
      stdout: "piped",
      stderr: "null",
    }).outputSync();
    if (r.success) {
      const list = new TextDecoder().decode(r.stdout).split("\0").filter((
        p,
      ) => p !== "");
      // Files added in this tree but not yet tracked are checked too.
      return [...new Set([...list, DESIGN, "tests/design_doc_test.ts"])];
    }
  } catch {
    // No git on this machine: fall back to the file system.
  }
  return walk(ROOT);
}

/** Text of a file, or undefined for a binary or vanished file. */
function readText(rel: string): string | undefined {
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(`${ROOT}/${rel}`);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined; // deleted, not staged
    throw e;
  }
  if (bytes.includes(0)) return undefined;
  return new TextDecoder().decode(bytes);
}

const design = Deno.readTextFileSync(`${ROOT}/${DESIGN}`);

/** Section numbers of the design document's headings, e.g. "3", "3.7". */
const sections = new Set(
  [...design.matchAll(/^#{2,4} (\d+(?:\.\d+)*) \S/gm)].map((m) => m[1]),
);
/** Anchors: explicit `<a id>` and the slugs a Markdown renderer derives. */
const anchors = new Set([
  ...[...design.matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1]),
  ...[...design.matchAll(/^#{1,4} (.+)$/gm)].map((m) =>
    m[1].toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, "").replace(/ /g, "-")
  ),
]);

/** Every `§N` of a citation such as "docs/design.md §3.2–§3.12" or "§3, §7". */
const CITATION =
  /docs\/design\.md`?( ?(?:§\d+(?:\.\d+)*)(?:(?:–| and |, )§\d+(?:\.\d+)*)*)/g;
const ANCHOR_CITATION = /docs\/design\.md#([\w-]+)/g;

Deno.test("no tracked file refers the reader to a document outside the repository", () => {
  const files = trackedFiles();
  assert.ok(files.includes("README.md") && files.includes("main.ts"));
  const hits: string[] = [];
  for (const rel of files) {
    const text = readText(rel);
    if (text === undefined) continue;
    text.split("\n").forEach((line, i) => {
      if (OUTSIDE.some((re) => re.test(line))) {
        hits.push(`${rel}:${i + 1}: ${line.trim()}`);
      }
    });
  }
  assert.deepEqual(hits, []);
});

Deno.test("every citation of docs/design.md resolves to one of its headings", () => {
  assert.ok(sections.has("3") && sections.has("9.2"), "numbered headings");
  const bad: string[] = [];
  let cited = 0;
  for (const rel of trackedFiles()) {
    const text = readText(rel);
    if (text === undefined) continue;
    for (const m of text.matchAll(CITATION)) {
      for (const s of m[1].matchAll(/§(\d+(?:\.\d+)*)/g)) {
        cited++;
        if (!sections.has(s[1])) bad.push(`${rel}: ${m[0]}`);
      }
    }
    for (const m of text.matchAll(ANCHOR_CITATION)) {
      cited++;
      if (!anchors.has(m[1])) bad.push(`${rel}: ${m[0]}`);
    }
  }
  assert.deepEqual(bad, []);
  assert.ok(cited > 40, `only ${cited} citations found`);
});

Deno.test("docs/design.md's own section references and anchors resolve", () => {
  const bad = [...design.matchAll(/§(\d+(?:\.\d+)*)/g)]
    .map((m) => m[1])
    .filter((s) => !sections.has(s));
  assert.deepEqual(bad, []);
  const ids = [...design.matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1]);
  assert.equal(new Set(ids).size, ids.length, "anchors are unique");
  // Every numbered heading is preceded by an anchor, so `#id` citations are stable.
  const lines = design.split("\n");
  lines.forEach((line, i) => {
    if (/^#{2,4} \d/.test(line)) {
      assert.match(lines[i - 2] ?? "", /^<a id="[^"]+"><\/a>$/, line);
    }
  });
});

Deno.test("the citation check notices a broken citation and an outside document", () => {
  // Assembled at run time, so this file holds no broken citation itself.
  const doc = "docs/design" + ".md";
  const broken = `see ${doc} §99.1 and ${doc}#no-such-anchor`;
  const found = [...broken.matchAll(CITATION)].map((m) => m[1].trim());
  assert.deepEqual(found, ["§99.1"]);
  assert.ok(!sections.has("99.1"));
  const anchor = [...broken.matchAll(ANCHOR_CITATION)].map((m) => m[1]);
  assert.deepEqual(anchor, ["no-such-anchor"]);
  assert.ok(!anchors.has("no-such-anchor"));
  assert.ok(OUTSIDE[2].test("as the Seed  " + "Document says"));
});
