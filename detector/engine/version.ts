/**
 * The Falco rules-engine version whose language Saker implements. Rules files declare the engine they
 * need with `required_engine_version`; files asking for a newer one are rejected as Falco does.
 */
export const FALCO_ENGINE_VERSION = '0.57.0';
