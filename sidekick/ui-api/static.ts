import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** `web-ui/dist` next to the installation, from the sources (`sidekick/ui-api`) or from `dist/`. */
export function defaultStaticDir(): string {
  const candidates = ['../../web-ui/dist', '../../../web-ui/dist'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[0]!;
}

/**
 * Serves the built app. Vite names assets by content hash, so `/assets/*` may be cached for good;
 * `index.html` must be revalidated so a new build is picked up. Any other path that is not a file gets
 * `index.html`, the app reads its state from the query string.
 */
export function registerStatic(app: FastifyInstance, directory: string): void {
  const root = resolve(directory);

  app.get('/*', async (request, reply) => {
    const path = decodeURIComponent((request.params as { '*': string })['*'] ?? '');
    let file = resolve(root, path);
    if (file !== root && !file.startsWith(root + sep)) return reply.code(404).send({ code: 'SAKER_ERR_UI_NOT_FOUND', message: 'not found' });
    const isFile = existsSync(file) && statSync(file).isFile();
    if (!isFile) {
      if (path.startsWith('assets/') || path.startsWith('api/')) {
        return reply.code(404).send({ code: 'SAKER_ERR_UI_NOT_FOUND', message: `no such file: /${path}` });
      }
      file = join(root, 'index.html');
      if (!existsSync(file)) {
        return reply.code(503).send({
          code: 'SAKER_ERR_UI_NOT_BUILT',
          message: 'the web UI is not built (npx vite build --config web-ui/vite.config.ts)',
        });
      }
    }
    const immutable = path.startsWith('assets/');
    return reply
      .type(CONTENT_TYPES[extname(file)] ?? 'application/octet-stream')
      .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .send(await readFile(file));
  });
}
