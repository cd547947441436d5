/** The real web app on a loopback port of its own, for browser tests and screenshots. */
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Db } from '../../../db/client.ts';
import { addRep } from '../../../src/auth/index.ts';
import type { Config } from '../../../src/config.ts';
import { createWebApp } from '../../../src/web/index.ts';

export type TestWeb = { url: string; close(): Promise<void> };

export async function startTestWeb(db: Db, config: Config): Promise<TestWeb> {
  // The app checks request origins against its public URL, which holds the port the OS picks:
  // listen first, then build the app with that URL.
  const holder: { app?: ReturnType<typeof createWebApp> } = {};
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: (request) => (holder.app ? holder.app.fetch(request) : new Response('starting', { status: 503 })), port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  holder.app = createWebApp({ db, config: { ...config, web: { ...config.web, publicUrl: url } } });
  return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A fresh one-time sign-in link for an existing rep (as `bookrun reps add` prints it), on the test server's origin. */
export async function signInLink(db: Db, web: TestWeb, rep: { email: string; name?: string; role?: 'rep' | 'manager'; timeZone?: string }): Promise<string> {
  const added = await addRep(db, { email: rep.email, name: rep.name ?? rep.email, role: rep.role ?? 'rep', ...(rep.timeZone ? { timeZone: rep.timeZone } : {}) }, { publicUrl: web.url, signInTtlMs: 3_600_000 });
  return added.signInUrl;
}
