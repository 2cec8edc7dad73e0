import { compileGlob } from './glob.js';

/**
 * `pmatch`: whether a path equals, or lies under, one of a set of prefixes, compared component by
 * component as libsinsp's path_prefix_search does: `/usr/bin` matches `/usr/bin` and `/usr/bin/ls`,
 * not `/usr/binx` nor `/usr`. Empty components are skipped (so `/usr//bin/` is `/usr/bin`, and a
 * leading slash makes no difference); `/` alone matches every path; a prefix component with `?`, `*`
 * or `[` is a glob matched against one path component. The prefixes become a trie at compile time.
 */

interface Node {
  /** A prefix ends here: this path and everything below it matches. */
  terminal: boolean;
  direct: Map<string, Node>;
  globs: { match: (component: string) => boolean; pattern: string; node: Node }[];
}

function newNode(): Node {
  return { terminal: false, direct: new Map(), globs: [] };
}

function components(path: string): string[] {
  return path.split('/').filter((part) => part !== '');
}

function child(node: Node, part: string): Node {
  if (/[?*[]/.test(part)) {
    const existing = node.globs.find((g) => g.pattern === part);
    if (existing) return existing.node;
    const created = { match: compileGlob(part), pattern: part, node: newNode() };
    node.globs.push(created);
    return created.node;
  }
  let next = node.direct.get(part);
  if (!next) {
    next = newNode();
    node.direct.set(part, next);
  }
  return next;
}

function matchFrom(node: Node, parts: readonly string[], index: number): boolean {
  if (node.terminal) return true;
  const part = parts[index];
  if (part === undefined) return false;
  const direct = node.direct.get(part);
  if (direct && matchFrom(direct, parts, index + 1)) return true;
  for (const glob of node.globs) if (glob.match(part) && matchFrom(glob.node, parts, index + 1)) return true;
  return false;
}

/** Compiles the prefixes into a matcher. */
export function compilePathPrefixes(prefixes: readonly string[]): (path: string) => boolean {
  const root = newNode();
  for (const prefix of prefixes) {
    let node = root;
    for (const part of components(prefix)) node = child(node, part);
    node.terminal = true;
  }
  return (path) => matchFrom(root, components(path), 0);
}
