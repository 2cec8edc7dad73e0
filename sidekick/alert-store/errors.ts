/** Stable codes for the alert store and the UI API; HTTP error bodies carry them in `code`. */
export const UI_ERRORS = {
  BAD_PARAM: 'SAKER_ERR_UI_BAD_PARAM',
  NOT_FOUND: 'SAKER_ERR_UI_NOT_FOUND',
  STORE_CLOSED: 'SAKER_ERR_UI_STORE_CLOSED',
  STORE_OPEN: 'SAKER_ERR_UI_STORE_OPEN',
  UNAUTHORIZED: 'SAKER_ERR_UI_UNAUTHORIZED',
  CSRF: 'SAKER_ERR_UI_CSRF',
  TOO_MANY_LOGINS: 'SAKER_ERR_UI_TOO_MANY_LOGINS',
} as const;

export type UiErrorCode = (typeof UI_ERRORS)[keyof typeof UI_ERRORS];
