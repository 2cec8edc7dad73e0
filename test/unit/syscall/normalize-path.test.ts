import { describe, expect, it } from 'vitest';
import { normalizePath } from '../../../detector/sources/syscall/paths.js';

/** The definition, written the slow way: split, resolve, join. */
function reference(path: string): string {
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return `/${out.join('/')}`;
}

describe('normalizePath', () => {
  it.each([
    ['/', '/'],
    ['/etc/shadow', '/etc/shadow'],
    ['/home/u/.ssh/id_rsa', '/home/u/.ssh/id_rsa'],
    ['/a/..b/.c./...', '/a/..b/.c./...'],
    ['/etc/', '/etc'],
    ['//etc//passwd', '/etc/passwd'],
    ['/etc/./passwd', '/etc/passwd'],
    ['/etc/.', '/etc'],
    ['/usr/bin/../lib', '/usr/lib'],
    ['/usr/..', '/'],
    ['/..', '/'],
    ['relative/x', '/relative/x'],
    ['', '/'],
  ])('%j becomes %j', (input, expected) => {
    expect(normalizePath(input)).toBe(expected);
  });

  it('agrees with splitting and joining on every path of up to 6 characters from / . a', () => {
    const alphabet = ['/', '.', 'a'];
    let checked = 0;
    const visit = (prefix: string): void => {
      expect(normalizePath(prefix), JSON.stringify(prefix)).toBe(reference(prefix));
      checked++;
      if (prefix.length < 6) for (const c of alphabet) visit(prefix + c);
    };
    visit('');
    expect(checked).toBe(1093);
  });
});
