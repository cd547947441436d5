import { describe, expect, it } from 'vitest';
import { loadAssets } from '../../../src/web/assets.ts';

describe('the app’s own assets', () => {
  const assets = loadAssets();

  it('serves the script, stylesheet and icon with their types and a content hash in the URL', () => {
    expect(assets.get('app.js')?.type).toBe('text/javascript; charset=utf-8');
    expect(assets.get('app.css')?.type).toBe('text/css; charset=utf-8');
    expect(assets.get('favicon.svg')?.type).toBe('image/svg+xml');
    expect(assets.url('app.js')).toMatch(/^\/assets\/app\.js\?v=[0-9a-f]{12}$/);
  });

  it('load nothing from another host and write no HTML from data', () => {
    const js = new TextDecoder().decode(assets.get('app.js')?.body);
    const css = new TextDecoder().decode(assets.get('app.css')?.body);
    expect(js).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
    expect(`${js}\n${css}`).not.toMatch(/https?:\/\//);
    expect(css).not.toMatch(/@import|url\(/);
  });
});

describe('serving assets', async () => {
  const { createWebApp } = await import('../../../src/web/index.ts');
  // Asset routes answer before any session is looked up, so no database is needed here.
  const app = createWebApp({ db: {} as never, config: { web: { publicUrl: 'http://127.0.0.1:4300', sessionTtlMs: 60_000 } } });
  const assets = loadAssets();

  it('caches a hashed URL for a year and revalidates a bare one', async () => {
    const hashed = await app.request(assets.url('app.css'));
    expect(hashed.status).toBe(200);
    expect(hashed.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(hashed.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(hashed.headers.get('x-content-type-options')).toBe('nosniff');
    const bare = await app.request('/assets/app.css');
    expect(bare.headers.get('cache-control')).toBe('no-cache');
    const again = await app.request('/assets/app.css', { headers: { 'if-none-match': bare.headers.get('etag') ?? '' } });
    expect(again.status).toBe(304);
  });

  it('serves nothing outside the asset folder', async () => {
    expect((await app.request('/assets/..%2Fapp.ts')).status).toBe(404);
    expect((await app.request('/assets/nope.js')).status).toBe(404);
  });
});
