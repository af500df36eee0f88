/**
 * Load `config.yaml`: YAML 1.2 (core schema) with duplicate keys as errors, then the
 * typed schema and the cross-field rules. Every error names the file, line and key.
 *
 * @module
 */
import YAML from "yaml";
import { configSchema, type FileConfig } from "./schema.ts";
import { checkConfigRules, type ConfigIssue, RESERVED_NAMES } from "./rules.ts";
import { closestName } from "./closest.ts";
import { UsageError } from "../errors.ts";
import { escapeControls, quoted } from "../wording.ts";
import { brokenLink } from "../symlinks.ts";

/** A loaded config with the exact bytes it came from (hashed into the manifest). */
export interface LoadedConfig {
  /**
   * The validated config (schema and cross-field rules passed); keys a flag can
   * supply may be missing.
   */
  config: FileConfig;
  /** Where it came from, as error messages name it (e.g. the file path). */
  source: string;
  /** The file's bytes as read. */
  bytes: Uint8Array;
  /** The file's text (UTF-8). */
  text: string;
}

type Path = (string | number)[];

/** A key that reads unambiguously in a dotted path: not empty, no separator, quote or control. */
function isPlainKey(k: string): boolean {
  return k !== "" && !/[.[\]"\\]/.test(k) && escapeControls(k) === k;
}

/**
 * A key path for messages: `calendar.start`, `population.devices[1].name`; a key that
 * is empty or holds a dot, bracket, quote or control character in brackets as a
 * JSON string (`fallback[""]`, `channel_given_device["a\u001b"]`); `(top level)` for
 * the empty path. Never holds a raw control character.
 */
function formatPath(path: Path): string {
  let s = "";
  for (const p of path) {
    s += typeof p === "number"
      ? `[${p}]`
      : isPlainKey(p)
      ? (s ? "." : "") + p
      : `[${quoted(p)}]`;
  }
  return s || "(top level)";
}

/**
 * The key at `path` as a message names it: the dotted path in double quotes
 * (`"calendar.strat"`); a top-level key that is not plain as its JSON string (`""`,
 * `"a\nb"`); a deeper one in bracket form (`fallback[""]`).
 */
function keyName(path: Path): string {
  if (path.every((p) => typeof p === "number" || isPlainKey(p))) {
    return `"${formatPath(path)}"`;
  }
  return path.length === 1 ? quoted(path[0]) : formatPath(path);
}

/** The key a YAML map key becomes in the parsed data (a null key is ""). */
function dataKey(key: unknown): string {
  if (YAML.isScalar(key)) return key.value === null ? "" : String(key.value);
  return key === null || key === undefined ? "" : String(key);
}

function describeValue(v: unknown): string {
  if (v === undefined) return "nothing";
  if (typeof v === "number" && !Number.isFinite(v)) return String(v);
  const s = quoted(v);
  return s.length > 60 ? s.slice(0, 57) + "..." : s;
}

/** Key path of the map key that starts at `offset` (a duplicate key's position). */
function duplicateKeyPath(
  doc: YAML.Document,
  offset: number,
): Path | undefined {
  let found: Path | undefined;
  YAML.visit(doc, {
    Pair(_key, pair, ancestors) {
      if (!YAML.isScalar(pair.key) || pair.key.range?.[0] !== offset) return;
      const chain = [...ancestors, pair];
      const path: Path = [];
      chain.forEach((n, i) => {
        if (YAML.isPair(n)) path.push(dataKey(n.key));
        else if (YAML.isSeq(n)) path.push(n.items.indexOf(chain[i + 1]));
      });
      found = path;
      return YAML.visit.BREAK;
    },
  });
  return found;
}

/**
 * The first map key, in file order, that is a reserved name (`__proto__`,
 * `constructor`, `prototype`): its key path and offset. Such a key would be dropped
 * or collide with JavaScript object internals when the file becomes objects.
 */
function reservedKey(
  doc: YAML.Document,
): { path: Path; offset: number | undefined } | undefined {
  let found: { path: Path; offset: number | undefined } | undefined;
  YAML.visit(doc, {
    Pair(_key, pair, ancestors) {
      if (!RESERVED_NAMES.has(dataKey(pair.key))) return;
      const chain = [...ancestors, pair];
      const path: Path = [];
      chain.forEach((n, i) => {
        if (YAML.isPair(n)) path.push(dataKey(n.key));
        else if (YAML.isSeq(n)) path.push(n.items.indexOf(chain[i + 1]));
      });
      found = {
        path,
        offset: (pair.key as { range?: number[] } | null)?.range?.[0],
      };
      return YAML.visit.BREAK;
    },
  });
  return found;
}

/** The value at `path` inside parsed YAML data (`undefined` when there is none). */
function valueAt(data: unknown, path: Path): unknown {
  let v = data;
  for (const p of path) {
    if (v === null || typeof v !== "object" || !Object.hasOwn(v, p)) {
      return undefined;
    }
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

/** The parts of a zod schema's definition that lead to the maps it allows. */
interface SchemaNode {
  def: {
    type: string;
    shape?: Record<string, SchemaNode>;
    element?: SchemaNode;
    valueType?: SchemaNode;
    innerType?: SchemaNode;
  };
}

/** The keys the schema allows in the map at `path` (empty when it is not a fixed map). */
function schemaKeysAt(path: Path): string[] {
  let node: SchemaNode | undefined = configSchema as unknown as SchemaNode;
  const unwrap = () => {
    while (node?.def.type === "optional") node = node.def.innerType;
  };
  for (const p of path) {
    unwrap();
    const d: SchemaNode["def"] | undefined = node?.def;
    node = d?.type === "object"
      ? d.shape?.[String(p)]
      : d?.type === "array"
      ? d.element
      : d?.type === "record"
      ? d.valueType
      : undefined;
  }
  unwrap();
  return node?.def.type === "object" ? Object.keys(node.def.shape ?? {}) : [];
}

/**
 * "unknown key ..." with the closest valid key at that level (keys not yet in the
 * map preferred), or the list of valid keys when none is close.
 */
function unknownKeyMessage(path: Path, key: string, map: unknown): string {
  const valid = schemaKeysAt(path);
  const present = (k: string) =>
    map !== null && typeof map === "object" && Object.hasOwn(map, k);
  const guess = closestName(key, [
    ...valid.filter((k) => !present(k)),
    ...valid.filter(present),
  ]);
  const what = `unknown key ${keyName([...path, key])}`;
  if (guess !== undefined) return `${what}; did you mean \`${guess}\`?`;
  return valid.length ? `${what} (valid keys here: ${valid.join(", ")})` : what;
}

/**
 * Parse and validate config text.
 *
 * @param text YAML text.
 * @param file Name used in messages, e.g. "config.yaml".
 * @returns The validated config.
 * @throws {UsageError} On a YAML syntax error, a duplicate key, an octal-looking
 *   number, an unknown key, a wrong type or a broken rule; the message gives
 *   `source:line`, the key path and the offending value.
 *
 * @example
 * ```ts
 * import { UsageError } from "../errors.ts";
 * const c = parseConfig(Deno.readTextFileSync("config.yaml"), "config.yaml");
 * if (c.intents.length === 0) throw new Error("Expected intents");
 * // A misspelt key is refused with its line and a suggestion.
 * try {
 *   parseConfig("sesions: 10\n", "bad.yaml");
 *   throw new Error("Expected a usage error");
 * } catch (e) {
 *   if (!(e instanceof UsageError) || !e.message.startsWith("bad.yaml:1")) throw e;
 * }
 * ```
 */
export function parseConfig(text: string, file: string): FileConfig {
  const source = escapeControls(file);
  const lineCounter = new YAML.LineCounter();
  let docs;
  try {
    docs = YAML.parseAllDocuments(text, {
      version: "1.2",
      schema: "core",
      uniqueKeys: true,
      merge: false,
      prettyErrors: false,
      lineCounter,
    });
  } catch (e) {
    if (e instanceof Deno.errors.NotCapable) throw e;
    // E.g. "Maximum call stack size exceeded" on absurdly deep nesting.
    throw new UsageError(
      `${source}: cannot parse (${escapeControls((e as Error).message)})`,
    );
  }
  if (docs.length === 0) {
    throw new UsageError(`${source}: the file is empty`);
  }
  if (docs.length !== 1) {
    throw new UsageError(
      `${source}: expected one YAML document, found ${docs.length}`,
    );
  }
  const doc = docs[0];
  const lineOf = (offset: number | undefined) =>
    offset === undefined ? "" : `:${lineCounter.linePos(offset).line}`;
  for (const e of doc.errors) {
    const first = escapeControls(e.message.split("\n")[0]).replace(
      / at line \d+, column \d+:?$/,
      "",
    );
    const dup = e.code === "DUPLICATE_KEY"
      ? duplicateKeyPath(doc, e.pos[0])
      : undefined;
    throw new UsageError(
      `${source}${lineOf(e.pos[0])}: ${
        dup ? `duplicate key ${keyName(dup)}` : first
      }`,
    );
  }
  // YAML 1.1 readers turn 0755 into 493 and 1.2 readers into 755: refuse the ambiguity.
  YAML.visit(doc, {
    Scalar(_key, node) {
      if (
        node.type === "PLAIN" && typeof node.source === "string" &&
        /^[-+]?(0[0-9_]+|0o[0-7_]+)$/i.test(node.source)
      ) {
        throw new UsageError(
          `${source}${
            lineOf(node.range?.[0])
          }: "${node.source}" looks like an octal number, which YAML 1.1 and 1.2 read differently; write it without the leading zero or quote it`,
        );
      }
    },
  });

  for (const w of doc.warnings) {
    // E.g. an unknown tag such as `!foo`, which the parser would otherwise drop.
    const first = escapeControls(w.message.split("\n")[0]).replace(
      / at line \d+, column \d+:?$/,
      "",
    );
    throw new UsageError(`${source}${lineOf(w.pos[0])}: ${first}`);
  }
  const reserved = reservedKey(doc);
  if (reserved) {
    throw new UsageError(
      `${source}${lineOf(reserved.offset)}: key ${
        keyName(reserved.path)
      } is reserved; choose another name`,
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new UsageError(
      `${source}: ${
        /alias/i.test((e as Error).message)
          ? "more than 100 alias expansions (*name); write the values out"
          : escapeControls((e as Error).message)
      }`,
    );
  }
  /** Offset of `key` in the map at `parentPath`, when the file spells it as written. */
  const keyOffset = (parentPath: Path, key: string): number | undefined => {
    const parent = parentPath.length
      ? doc.getIn(parentPath, true)
      : doc.contents;
    if (YAML.isMap(parent)) {
      for (const pair of parent.items) {
        if (dataKey(pair.key) === key) {
          return (pair.key as { range?: number[] } | null)?.range?.[0] ?? -1;
        }
      }
    }
    return undefined;
  };
  const keyLine = (parentPath: Path, key: string): string | undefined => {
    const offset = keyOffset(parentPath, key);
    return offset === undefined
      ? undefined
      : lineOf(offset < 0 ? undefined : offset);
  };
  /**
   * The line to blame for a key path: a scalar's own line; for a list or map, the line
   * of the key that holds it (not its first entry); for a missing key, the nearest
   * existing parent's key; nothing at the top level.
   */
  const nodeLine = (path: Path): string => {
    for (let n = path.length; n > 0; n--) {
      const prefix = path.slice(0, n);
      const node = doc.getIn(prefix, true);
      if (node === undefined) continue;
      const last = prefix[n - 1];
      if (YAML.isScalar(node) && node.range) return lineOf(node.range[0]);
      if (typeof last === "string") {
        const line = keyLine(prefix.slice(0, -1), last);
        if (line !== undefined) return line;
      }
      const r = (node as { range?: [number, number, number] }).range;
      if (r) return lineOf(r[0]);
    }
    return "";
  };
  const parsed = configSchema.safeParse(data);
  if (!parsed.success) {
    // Unknown keys first, the earliest in the file: a misspelt key also leaves the
    // key it was meant to be missing, and "is required" alone would mislead.
    const unknown = parsed.error.issues.flatMap((i) =>
      i.code === "unrecognized_keys"
        ? i.keys.map((key) => ({
          path: i.path as Path,
          key,
          offset: keyOffset(i.path as Path, key) ?? Infinity,
        }))
        : []
    ).sort((a, b) => a.offset - b.offset);
    if (unknown.length) {
      const { path, key } = unknown[0];
      throw new UsageError(
        `${source}${keyLine(path, key) ?? nodeLine(path)}: ${
          unknownKeyMessage(path, key, valueAt(data, path))
        }`,
      );
    }
    const issue = parsed.error.issues[0];
    const path = issue.path as Path;
    const value = doc.getIn(path);
    const message = value === undefined && issue.code === "invalid_type"
      ? "is required"
      : `${issue.message} (got ${describeValue(value)})`;
    throw new UsageError(
      `${source}${nodeLine(path)}: ${formatPath(path)} ${message}`,
    );
  }
  const issues: ConfigIssue[] = checkConfigRules(parsed.data);
  if (issues.length) {
    const i = issues[0];
    throw new UsageError(
      `${source}${nodeLine(i.path)}: ${formatPath(i.path)}: ${i.message}`,
    );
  }
  return parsed.data;
}

/**
 * Read and validate a config file.
 *
 * @param path File path, relative to the working directory or absolute.
 * @throws {UsageError} When the file cannot be read, is not UTF-8, or is invalid
 *   (see {@linkcode parseConfig}).
 *
 * @example
 * ```ts
 * import { createHash } from "node:crypto";
 * const loaded = loadConfig("config.yaml");
 * const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
 * if (sha(loaded.bytes) !== sha(Deno.readFileSync("config.yaml"))) throw new Error("Bytes differ");
 * ```
 */
export function loadConfig(path: string): LoadedConfig {
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(path);
  } catch (e) {
    const broken = brokenLink(path);
    const why = broken
      ? `it is ${broken.text}`
      : e instanceof Deno.errors.NotFound
      ? "no such file"
      : e instanceof Deno.errors.NotCapable
      ? `Deno has no read access to it (grant it with --allow-read=${
        escapeControls(path)
      })`
      : e instanceof Deno.errors.PermissionDenied
      ? "permission denied by the file system"
      : e instanceof Deno.errors.IsADirectory
      ? "it is a directory"
      : escapeControls((e as Error).message);
    throw new UsageError(
      `Cannot read config "${escapeControls(path)}": ${why}`,
    );
  }
  let text: string;
  try {
    // Keep a byte-order mark in the text, so the text recorded in the manifest
    // re-encodes to exactly the bytes whose SHA-256 it records.
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(
      bytes,
    );
  } catch {
    throw new UsageError(
      `Cannot read config "${escapeControls(path)}": it is not valid UTF-8`,
    );
  }
  return { config: parseConfig(text, path), source: path, bytes, text };
}
