import { Value } from '@sinclair/typebox/value';
import { parsePriority } from '../../contract/index.js';
import type { SakerConfig } from '../../common/config/index.js';
import { ConfigError, configOrigin, type ConfigProblem } from '../../common/config/index.js';
// The registry, not outputs/index.js: the caller loads only the output types its config enables.
import { OUTPUT_FACTORIES, createOutput, outputFactory } from '../../outputs/registry.js';
import type { OutputCreateOptions } from '../../outputs/create-options.js';
import { OUTPUT_SECTION_SCHEMAS, routingHome, splitRoutingKeys } from '../../outputs/config-sections.js';
import { compileMatch, MatchExpressionError } from './match-expression.js';
import type { Route } from './router.js';

type Section = Record<string, unknown>;

const isSection = (value: unknown): value is Section => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Names the sidekick gives outputs of its own, which an instance may not take. */
const RESERVED_NAMES: ReadonlySet<string> = new Set(['webui']);

function sectionAt(config: unknown, path: readonly string[]): Section | undefined {
  let node: unknown = config;
  for (const key of path) node = isSection(node) ? node[key] : undefined;
  return isSection(node) ? node : undefined;
}

/** What routing keys say about one output. */
type Routing = Pick<Route, 'minimumPriority' | 'match' | 'dedup'>;

/** A route before its output is built: everything checked, nothing connected. */
interface RouteSpec extends Routing {
  name: string;
  type: string;
  /** The output's section without the routing keys. */
  section: Section;
}

/** An output's routing keys as written, before they are checked. */
interface RoutingKeys {
  minimumpriority?: unknown;
  match?: unknown;
  dedup?: unknown;
}

class RouteReader {
  readonly problems: ConfigProblem[] = [];

  constructor(private readonly config: SakerConfig) {}

  private problem(path: readonly string[], message: string): void {
    this.problems.push({ path: path.join('.'), message, origin: configOrigin(this.config, path) });
  }

  /** Checks the routing keys of one output; undefined (and problems recorded) when one is bad. */
  routing(keys: RoutingKeys, at: { minimumpriority: string[]; match: string[] }): Routing | undefined {
    const spec: Routing = {};
    let ok = true;
    if (typeof keys.minimumpriority === 'string' && keys.minimumpriority.trim() !== '') {
      const priority = parsePriority(keys.minimumpriority);
      if (priority === undefined) {
        this.problem(at.minimumpriority, `unknown priority '${keys.minimumpriority}'`);
        ok = false;
      } else {
        spec.minimumPriority = priority;
      }
    }
    if (typeof keys.match === 'string' && keys.match.trim() !== '') {
      try {
        spec.match = compileMatch(keys.match).matches;
      } catch (error) {
        if (!(error instanceof MatchExpressionError)) throw error;
        this.problem(at.match, `invalid match expression: ${error.message}`);
        ok = false;
      }
    }
    const dedup = keys.dedup as { window?: number; fields?: string[]; maxkeys?: number } | undefined;
    if (dedup?.window !== undefined && dedup.window > 0) {
      spec.dedup = { windowMs: dedup.window * 1000, fields: dedup.fields ?? ['hostname'], maxKeys: dedup.maxkeys ?? 10000 };
    }
    return ok ? spec : undefined;
  }

  /** The default instance of each output type, from falcosidekick's single sections (`slack:`, `aws.sns:`, …). */
  defaultRoutes(): RouteSpec[] {
    const specs: RouteSpec[] = [];
    for (const factory of OUTPUT_FACTORIES) {
      const found = sectionAt(this.config, factory.configPath);
      if (!found) continue;
      const { section, home, keys } = splitRoutingKeys(found);
      if (!factory.isEnabled(section as never)) continue;
      const base = [...factory.configPath, ...home];
      const routing = this.routing(keys, { minimumpriority: [...base, 'minimumpriority'], match: [...base, 'match'] });
      if (routing) specs.push({ name: factory.type, type: factory.type, section, ...routing });
    }
    return specs;
  }

  /** The named instances of `outputs.instances`, each checked against its type's section schema. */
  instanceRoutes(taken: Set<string>): RouteSpec[] {
    const specs: RouteSpec[] = [];
    this.config.outputs.instances.forEach((item, index) => {
      const at = ['outputs', 'instances', String(index)];
      const { type, name, match, dedup, ...rest } = item as Section & { type: string; name: string };
      if (taken.has(name) || RESERVED_NAMES.has(name)) {
        this.problem([...at, 'name'], `output name '${name}' is already taken; each output needs its own name`);
        return;
      }
      taken.add(name);
      const schema = OUTPUT_SECTION_SCHEMAS[type];
      if (!schema) return; // the config schema already refused the type
      const section = Value.Default(schema, structuredClone(rest)) as Section;
      const errors = [...Value.Errors(schema, section)];
      for (const error of errors) {
        const path = [...at, ...error.path.split('/').filter((part) => part !== '')];
        this.problem(path, error.message === 'Unexpected property' ? `unknown key for a ${type} output` : error.message.toLowerCase());
      }
      if (errors.length > 0) return;
      if (!outputFactory(type).isEnabled(section as never)) {
        this.problem(at, `the ${type} instance '${name}' has no destination: set the key that enables a ${type} output`);
        return;
      }
      const home = routingHome(section);
      const minimumpriority = sectionAt(section, home)?.minimumpriority;
      const routing = this.routing(
        { minimumpriority, match, dedup },
        { minimumpriority: [...at, ...home, 'minimumpriority'], match: [...at, 'match'] },
      );
      if (routing) specs.push({ name, type, section, ...routing });
    });
    return specs;
  }
}

/**
 * The routes a loaded config enables: the default instance of each output whose falcosidekick section
 * is enabled (named after its type), then the named instances of `outputs.instances`; each with its
 * `minimumpriority` (empty: every alert), `match:` expression and `dedup` settings. Every problem —
 * an unknown priority, an expression that does not compile, a taken name, a bad instance key — stops
 * start-up with the key's path and where it was written, rather than silently sending everything.
 */
export function routesFromConfig(config: SakerConfig, options?: OutputCreateOptions): Route[] {
  const reader = new RouteReader(config);
  const defaults = reader.defaultRoutes();
  const instances = reader.instanceRoutes(new Set(defaults.map((spec) => spec.name)));
  if (reader.problems.length > 0) throw new ConfigError(reader.problems);
  return [...defaults, ...instances].map(({ name, type, section, ...routing }) => ({
    name,
    output: createOutput(type, section, name, options),
    ...routing,
  }));
}
