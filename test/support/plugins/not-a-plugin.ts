/** A module whose factory returns garbage: a malformed name and version, no capability. */
export default () => ({ name: 'bad name!', version: 'latest' });
