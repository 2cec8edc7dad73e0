/** Rules bucketed by source and event type, with Falco's rule_matching and minimum priority. */
export { RuleIndex } from './rule-index.js';
export type { IndexableRule, RuleIndexOptions, RuleMatching } from './rule-index.js';
