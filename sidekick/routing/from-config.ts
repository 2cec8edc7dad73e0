import { parsePriority, type Priority } from '../../contract/index.js';
import type { SakerConfig } from '../../common/config/index.js';
import { ConfigError, type ConfigProblem } from '../../common/config/index.js';
import { OUTPUT_FACTORIES, createOutput, type OutputCreateOptions } from '../../outputs/index.js';
import type { Route } from './router.js';

type Section = Record<string, unknown>;

function sectionAt(config: unknown, path: readonly string[]): Section | undefined {
  let node: unknown = config;
  for (const key of path) node = node && typeof node === 'object' ? (node as Section)[key] : undefined;
  return node && typeof node === 'object' ? (node as Section) : undefined;
}

/**
 * Where `minimumpriority` sits in a section: at its top (`slack.minimumpriority`) or, for sections that
 * group outputs (`aws` holds `sns`), in the one sub-section that has it.
 */
function minimumPriorityPath(section: Section, path: readonly string[]): { value: unknown; path: string } | undefined {
  if ('minimumpriority' in section) return { value: section.minimumpriority, path: [...path, 'minimumpriority'].join('.') };
  for (const [key, child] of Object.entries(section)) {
    if (child && typeof child === 'object' && 'minimumpriority' in child) {
      return { value: (child as Section).minimumpriority, path: [...path, key, 'minimumpriority'].join('.') };
    }
  }
  return undefined;
}

/**
 * The routes a loaded config enables: one per output section whose factory says it is enabled, named
 * after its type, with falcosidekick's `minimumpriority` (empty: every alert). A priority Saker cannot
 * read stops start-up rather than silently sending everything, as falcosidekick would.
 */
export function routesFromConfig(config: SakerConfig, options?: OutputCreateOptions): Route[] {
  const problems: ConfigProblem[] = [];
  const routes: Route[] = [];
  for (const factory of OUTPUT_FACTORIES) {
    const section = sectionAt(config, factory.configPath);
    if (!section || !factory.isEnabled(section as never)) continue;
    const found = minimumPriorityPath(section, factory.configPath);
    let minimumPriority: Priority | undefined;
    if (found && typeof found.value === 'string' && found.value.trim() !== '') {
      minimumPriority = parsePriority(found.value);
      if (minimumPriority === undefined) {
        problems.push({ path: found.path, message: `unknown priority '${found.value}'`, origin: 'configuration' });
        continue;
      }
    }
    const name = factory.type;
    routes.push({ name, output: createOutput(factory.type, section, name, options), ...(minimumPriority ? { minimumPriority } : {}) });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return routes;
}
