const SLASH = 47;
const DOT = 46;

/**
 * Whether `path` is already in normalized form: `/`-rooted, with no empty, `.` or `..` segment and no
 * trailing `/` (the root itself aside). Most paths the kernel reports are, and checking costs a
 * fraction of splitting and joining them.
 */
function isNormalized(path: string): boolean {
  const length = path.length;
  if (length === 0 || path.charCodeAt(0) !== SLASH) return false;
  if (length === 1) return true;
  if (path.charCodeAt(length - 1) === SLASH) return false;
  for (let i = 0; i < length; i++) {
    if (path.charCodeAt(i) !== SLASH) continue;
    // A segment starts at i + 1: empty, `.` or `..` (each ended by `/` or the end) needs resolving.
    const c1 = path.charCodeAt(i + 1);
    if (c1 === SLASH) return false;
    if (c1 !== DOT) continue;
    const c2 = path.charCodeAt(i + 2);
    if (i + 2 === length || c2 === SLASH) return false;
    if (c2 === DOT && (i + 3 === length || path.charCodeAt(i + 3) === SLASH)) return false;
  }
  return true;
}

/** `/`-rooted form of a path with `.`, `..` and empty segments resolved, as libsinsp concatenates paths. */
export function normalizePath(path: string): string {
  if (isNormalized(path)) return path;
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return `/${out.join('/')}`;
}
