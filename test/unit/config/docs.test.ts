import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderConfigDocs } from '../../../common/config/docs.js';
import { ConfigSchema, configLeaves } from '../../../common/config/index.js';

describe('docs/configuration.md', () => {
  it('is the documentation generated from the schema (run `npm run docs` after changing it)', () => {
    expect(readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8')).toBe(renderConfigDocs());
  });

  it('documents every key with its environment variable and a description', () => {
    const docs = renderConfigDocs();
    for (const leaf of configLeaves(ConfigSchema)) {
      expect(docs).toContain(`| \`${leaf.path.join('.')}\` | \`${leaf.envName}\` |`);
      expect(String(leaf.schema.description ?? ''), `${leaf.path.join('.')} has no description`).not.toBe('');
    }
  });
});
