/** Version of the alert contract (the `Alert` shape and its JSON Schema). Bumped on any breaking change. */
export const ALERT_SCHEMA_VERSION = '1.0.0';
