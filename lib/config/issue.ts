/**
 * A config rule violation, shared by the rule modules (`rules.ts`,
 * `dialogue_rules.ts`) and reported by `load.ts` with its line.
 *
 * @module
 */

/**
 * A rule violation: the key path in the config and what is wrong.
 *
 * @example
 * ```ts
 * import { checkConfigRules } from "./rules.ts";
 * import { parseConfig } from "./load.ts";
 * const c = parseConfig(Deno.readTextFileSync("config.yaml"), "config.yaml");
 * const issues: ConfigIssue[] = checkConfigRules({ ...c, formats: ["star", "star"] });
 * if (issues.length !== 1 || issues[0].path[0] !== "formats") throw new Error(JSON.stringify(issues));
 * ```
 */
export interface ConfigIssue {
  /** Key path, e.g. `["population", "devices", 1, "probability"]`. */
  path: (string | number)[];
  /** One sentence fragment, e.g. "probabilities must sum to 1, got 0.98". */
  message: string;
}
