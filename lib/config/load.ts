/**
 * Load `config.yaml`: YAML 1.2 (core schema) with duplicate keys as errors, then the
 * typed schema and the cross-field rules. Every error names the file, line and key.
 *
 * @module
 */
import YAML from "yaml";
import { type Config, configSchema } from "./schema.ts";
import { checkConfigRules, type ConfigIssue } from "./rules.ts";
import { UsageError } from "../errors.ts";

/** A loaded config with the exact bytes it came from (hashed into the manifest). */
export interface LoadedConfig {
  /** The validated config (schema and cross-field rules passed). */
  config: Config;
  /** The file's bytes as read. */
  bytes: Uint8Array;
  /** The file's text (UTF-8). */
  text: string;
}

type Path = (string | number)[];

function formatPath(path: Path): string {
  let s = "";
  for (const p of path) {
    s += typeof p === "number" ? `[${p}]` : (s ? "." : "") + p;
  }
  return s || "(top level)";
}

function describeValue(v: unknown): string {
  if (v === undefined) return "nothing";
  if (typeof v === "number" && !Number.isFinite(v)) return String(v);
  const s = JSON.stringify(v);
  return s === undefined
    ? String(v)
    : s.length > 60
    ? s.slice(0, 57) + "..."
    : s;
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
        if (YAML.isPair(n)) path.push(String((n.key as YAML.Scalar).value));
        else if (YAML.isSeq(n)) path.push(n.items.indexOf(chain[i + 1]));
      });
      found = path;
      return YAML.visit.BREAK;
    },
  });
  return found;
}

/**
 * Parse and validate config text.
 *
 * @param text YAML text.
 * @param source Name used in messages, e.g. "config.yaml".
 * @returns The validated config.
 * @throws {UsageError} On a YAML syntax error, a duplicate key, an octal-looking
 *   number, an unknown key, a wrong type or a broken rule; the message gives
 *   `source:line`, the key path and the offending value.
 */
export function parseConfig(text: string, source: string): Config {
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
    throw new UsageError(`${source}: cannot parse (${(e as Error).message})`);
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
    const first = e.message.split("\n")[0].replace(
      / at line \d+, column \d+:?$/,
      "",
    );
    const dup = e.code === "DUPLICATE_KEY"
      ? duplicateKeyPath(doc, e.pos[0])
      : undefined;
    throw new UsageError(
      `${source}${lineOf(e.pos[0])}: ${
        dup ? `duplicate key "${formatPath(dup)}"` : first
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
    const first = w.message.split("\n")[0].replace(
      / at line \d+, column \d+:?$/,
      "",
    );
    throw new UsageError(`${source}${lineOf(w.pos[0])}: ${first}`);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new UsageError(
      `${source}: ${
        /alias/i.test((e as Error).message)
          ? "more than 100 alias expansions (*name); write the values out"
          : (e as Error).message
      }`,
    );
  }
  const keyLine = (parentPath: Path, key: string): string | undefined => {
    const parent = parentPath.length
      ? doc.getIn(parentPath, true)
      : doc.contents;
    if (YAML.isMap(parent)) {
      for (const pair of parent.items) {
        if (YAML.isScalar(pair.key) && pair.key.value === key) {
          return lineOf(pair.key.range?.[0]);
        }
      }
    }
    return undefined;
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
    const issue = parsed.error.issues[0] as typeof parsed.error.issues[0] & {
      keys?: string[];
    };
    const path = issue.path as Path;
    if (issue.code === "unrecognized_keys" && issue.keys?.length) {
      const key = issue.keys[0];
      throw new UsageError(
        `${source}${keyLine(path, key) ?? nodeLine(path)}: unknown key "${
          formatPath([...path, key])
        }"`,
      );
    }
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
 */
export function loadConfig(path: string): LoadedConfig {
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(path);
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound
      ? "no such file"
      : e instanceof Deno.errors.PermissionDenied ||
          e instanceof Deno.errors.NotCapable
      ? "permission denied (run with -P, or add --allow-read for this path)"
      : e instanceof Deno.errors.IsADirectory
      ? "it is a directory"
      : (e as Error).message;
    throw new UsageError(`Cannot read config "${path}": ${why}`);
  }
  let text: string;
  try {
    // Keep a byte-order mark in the text, so the text recorded in the manifest
    // re-encodes to exactly the bytes whose SHA-256 it records.
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(
      bytes,
    );
  } catch {
    throw new UsageError(`Cannot read config "${path}": it is not valid UTF-8`);
  }
  return { config: parseConfig(text, path), bytes, text };
}
