/**
 * The app's own static files (src/web/assets), read once at start and served from memory with
 * their content type. Pages link them as `/assets/<name>?v=<hash>`: that URL never changes
 * content, so browsers may keep it for a year; a bare URL is revalidated by its ETag.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import type { WebEnv } from './web-env.ts';

const ASSET_DIR = fileURLToPath(new URL('./assets', import.meta.url));

const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

export type Asset = { body: Uint8Array<ArrayBuffer>; type: string; hash: string };
export type Assets = { get(name: string): Asset | undefined; url(name: string): string };

export function loadAssets(dir: string = ASSET_DIR): Assets {
  const files = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (!type) continue;
    const bytes = readFileSync(join(dir, name));
    const body = new Uint8Array(new ArrayBuffer(bytes.byteLength));
    body.set(bytes);
    files.set(name, { body, type, hash: createHash('sha256').update(bytes).digest('hex').slice(0, 12) });
  }
  return {
    get: (name) => files.get(name),
    url: (name) => {
      const asset = files.get(name);
      return asset ? `/assets/${name}?v=${asset.hash}` : `/assets/${name}`;
    },
  };
}

export function registerAssetRoutes(app: Hono<WebEnv>, assets: Assets): void {
  app.get('/assets/:name', (c) => {
    const asset = assets.get(c.req.param('name'));
    if (!asset) return c.text('Not found', 404, { 'Cache-Control': 'no-store' });
    const etag = `"${asset.hash}"`;
    const versioned = c.req.query('v') === asset.hash;
    const headers = { 'Content-Type': asset.type, ETag: etag, 'Cache-Control': versioned ? 'public, max-age=31536000, immutable' : 'no-cache' };
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers);
    return c.body(asset.body, 200, headers);
  });
}
