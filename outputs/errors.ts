/** Error codes the outputs raise at construction time (bad config); delivery failures are results, not throws. */
export const OUTPUT_ERROR_CODES = {
  /** A section is missing a required setting, names an unreadable file, or combines settings that cannot work. */
  CONFIG: 'SAKER_ERR_OUTPUT_CONFIG',
  /** `messageformat` (or another template) uses a construct outside the supported safe subset. */
  TEMPLATE: 'SAKER_ERR_OUTPUT_TEMPLATE',
  /** The registry has no output of the requested type. */
  UNKNOWN_TYPE: 'SAKER_ERR_OUTPUT_UNKNOWN_TYPE',
} as const;
