/** Regenerates the documentation that is derived from code (`npm run docs`). */
import { writeFileSync } from 'node:fs';
import { renderConfigDocs } from '../common/config/docs.js';

writeFileSync(new URL('../docs/configuration.md', import.meta.url), renderConfigDocs());
console.log('wrote docs/configuration.md');
