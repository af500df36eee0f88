/**
 * A config rule violation, shared by the rule modules (`rules.ts`,
 * `dialogue_rules.ts`) and reported by `load.ts` with its line.
 *
 * @module
 */

/** A rule violation: the key path in the config and what is wrong. */
export interface ConfigIssue {
  /** Key path, e.g. `["population", "devices", 1, "probability"]`. */
  path: (string | number)[];
  /** One sentence fragment, e.g. "probabilities must sum to 1, got 0.98". */
  message: string;
}
