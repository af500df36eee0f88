/**
 * The manifest: golden digests of the canonical run (root MANIFEST.md), SHA256SUMS
 * checked by the independent `sha256sum`, and every field docs/design.md §6.2 lists.
 */
import assert from "node:assert/strict";
import { canonicalRun, digestLines } from "../tools/canonical_manifest.ts";
import { parse as parseYaml } from "yaml";
import { generateTemp, listFiles, ROOT, runMain } from "./helpers.ts";

Deno.test("canonical run matches the golden digests in MANIFEST.md", () => {
  const golden = digestLines(Deno.readTextFileSync(`${ROOT}/MANIFEST.md`));
  const { markdown, manifest } = canonicalRun();
  assert.equal(manifest.sessions, 1000);
  assert.equal(manifest.users, 500);
  assert.equal(manifest.seed, 20251130);
  assert.ok(
    golden.length >= 27,
    `MANIFEST.md has ${golden.length} digest lines`,
  );
  assert.deepEqual(
    digestLines(markdown),
    golden,
    "output changed: if deliberate, run `deno task manifest` and commit MANIFEST.md",
  );
});

Deno.test("SHA256SUMS passes sha256sum -c and covers every file", () => {
  const ds = generateTemp({ sessions: 200, users: 50 });
  try {
    const r = new Deno.Command("sha256sum", {
      args: ["-c", "--strict", "SHA256SUMS"],
      cwd: ds.dir,
      stdout: "piped",
      stderr: "piped",
    }).outputSync();
    assert.equal(r.code, 0, new TextDecoder().decode(r.stdout));
    const listed = Deno.readTextFileSync(`${ds.dir}/SHA256SUMS`).trimEnd()
      .split("\n").map((l) => l.slice(66)).sort();
    const files = listFiles(ds.dir).filter((f) => f !== "SHA256SUMS");
    assert.deepEqual(listed, files);
    // A one-byte change is caught by the oracle.
    const p = `${ds.dir}/star/dim_device.csv`;
    const bytes = Deno.readFileSync(p);
    bytes[bytes.length - 2] ^= 1;
    Deno.writeFileSync(p, bytes);
    const bad = new Deno.Command("sha256sum", {
      args: ["-c", "--quiet", "SHA256SUMS"],
      cwd: ds.dir,
      stdout: "piped",
      stderr: "piped",
    }).outputSync();
    assert.equal(bad.code, 1);
    assert.match(
      new TextDecoder().decode(bad.stdout),
      /star\/dim_device\.csv: FAILED/,
    );
  } finally {
    ds.cleanup();
  }
});

Deno.test("manifest.json records seed, parameters, config hash, versions and every file", () => {
  const ds = generateTemp({ sessions: 100, users: 30, seed: 11 });
  try {
    const m = JSON.parse(Deno.readTextFileSync(`${ds.dir}/manifest.json`));
    assert.equal(m.seed, 11);
    assert.equal(m.sessions, 100);
    assert.equal(m.parameters.seed, 11);
    assert.equal(m.parameters.sessions, 100);
    assert.equal(m.parameters.out, undefined);
    assert.equal(m.parameters.latency_ms.mu, 6.6);
    assert.equal(m.generator.name, "chatsynth");
    assert.match(m.generator.version, /^\d+\.\d+\.\d+/);
    assert.equal(m.runtime.deno, Deno.version.deno);
    assert.equal(m.dependencies.prando, "6.0.1");
    assert.match(m.dependencies["@faker-js/faker"], /^\d+\.\d+\.\d+$/);
    assert.match(m.deno_lock_sha256, /^[0-9a-f]{64}$/);
    const cfg = Deno.readFileSync(`${ROOT}/config.yaml`);
    const sum = new Deno.Command("sha256sum", {
      args: [`${ROOT}/config.yaml`],
      stdout: "piped",
    }).outputSync();
    assert.equal(
      m.config.sha256,
      new TextDecoder().decode(sum.stdout).slice(0, 64),
    );
    assert.equal(m.config.text, new TextDecoder().decode(cfg));
    // Every data file: relative forward-slash path, bytes and digest as on disk.
    const data = listFiles(ds.dir).filter((f) => f.includes("/"));
    assert.deepEqual(m.files.map((f: { path: string }) => f.path), data);
    for (const f of m.files) {
      assert.equal(Deno.statSync(`${ds.dir}/${f.path}`).size, f.bytes);
    }
    // No absolute path, host name or time anywhere in the metadata.
    for (const name of ["manifest.json", "MANIFEST.md", "SHA256SUMS"]) {
      const text = Deno.readTextFileSync(`${ds.dir}/${name}`);
      assert.ok(!text.includes(ds.dir), `${name} names the output folder`);
      assert.ok(!text.includes(Deno.hostname()), `${name} names the host`);
      assert.ok(
        !text.includes(new Date().toISOString().slice(0, 10)),
        `${name} has today's date`,
      );
    }
  } finally {
    ds.cleanup();
  }
});

Deno.test("datapackage.json describes every file: fields, keys, bytes and sha256", () => {
  const ds = generateTemp({ sessions: 60, users: 20, seed: 17 });
  try {
    const dp = JSON.parse(Deno.readTextFileSync(`${ds.dir}/datapackage.json`));
    assert.equal(
      dp.$schema,
      "https://datapackage.org/profiles/2.0/datapackage.json",
    );
    // No creation time (none is recorded); the config's reference date, named as such.
    assert.ok(!("created" in dp), "datapackage.json has no created");
    const config = parseYaml(Deno.readTextFileSync(`${ROOT}/config.yaml`));
    assert.equal(dp["chatsynth:reference_date"], config.reference_date);
    const byName = new Map(
      dp.resources.map((r: { name: string }) => [r.name, r]),
    );
    assert.equal(dp.resources.length, ds.manifest.files.length);
    for (const f of ds.manifest.files) {
      const r = dp.resources.find((x: { path: string }) => x.path === f.path);
      assert.ok(r, f.path);
      assert.equal(r.hash, `sha256:${f.sha256}`);
      assert.equal(r.bytes, Deno.statSync(`${ds.dir}/${f.path}`).size);
      const names = r.schema.fields.map((x: { name: string }) => x.name);
      if (f.path.endsWith(".csv")) {
        const header =
          Deno.readTextFileSync(`${ds.dir}/${f.path}`).split("\n")[0];
        assert.equal(names.join(","), header, f.path);
      } else {
        const first = JSON.parse(
          Deno.readTextFileSync(`${ds.dir}/${f.path}`).split("\n")[0],
        );
        assert.deepEqual(names, Object.keys(first));
      }
      for (const k of r.schema.primaryKey) assert.ok(names.includes(k));
      for (const fk of r.schema.foreignKeys ?? []) {
        const target = byName.get(fk.reference.resource) as
          | { schema: { fields: { name: string }[] } }
          | undefined;
        assert.ok(target, `${r.name} → ${fk.reference.resource}`);
        for (const x of fk.reference.fields) {
          assert.ok(target.schema.fields.some((y) => y.name === x));
        }
      }
    }
  } finally {
    ds.cleanup();
  }
});

Deno.test("datapackage.json's description names only the representations written", () => {
  const ds = generateTemp({ sessions: 5, users: 3, formats: ["star"] });
  try {
    const dp = JSON.parse(
      Deno.readTextFileSync(`${ds.dir}/datapackage.json`),
    );
    assert.match(dp.description, / as a star schema\. /);
    assert.doesNotMatch(dp.description, /raw|snowflake/);
  } finally {
    ds.cleanup();
  }
});

Deno.test("--from-manifest refuses a manifest whose fingerprint its file digests do not give", () => {
  // The failing input: files[0].sha256 zeroed, fingerprint left as it was, printed
  // "Reproduced: the fingerprint matches the manifest's" and exited 0.
  const ds = generateTemp({ sessions: 5, users: 3, formats: ["star"] });
  try {
    const m = JSON.parse(Deno.readTextFileSync(`${ds.dir}/manifest.json`));
    m.files[0].sha256 = "0".repeat(64);
    const altered = `${ds.dir}/altered.json`;
    Deno.writeTextFileSync(altered, JSON.stringify(m));
    const r = runMain(["-A"], [
      "--from-manifest",
      altered,
      "--out",
      `${ds.dir}/rebuilt`,
    ]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /is not the one its file digests give/);
    assert.doesNotMatch(r.stdout, /Reproduced/);
    assert.throws(() => Deno.statSync(`${ds.dir}/rebuilt`));
  } finally {
    ds.cleanup();
  }
});
