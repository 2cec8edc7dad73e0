export { ConfigSchema, DetectorConfigSchema } from './schema.js';
export type { SakerConfig, DetectorConfig } from './schema.js';
export { loadConfig, ConfigError, configOrigin, configWarnings } from './load.js';
export type { LoadConfigOptions, ConfigProblem } from './load.js';
export { configLeaves, envNameFor } from './env.js';
export type { ConfigLeaf } from './env.js';
