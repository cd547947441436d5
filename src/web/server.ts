/** Serves the web app over HTTP on Node (`bookrun web`), and closes it gracefully. */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createWebApp } from './app.ts';
import type { WebDeps } from './web-env.ts';

export type WebServer = {
  /** `http://HOST:PORT` as bound (port 0 picks a free one). */
  url: string;
  port: number;
  /** Stops accepting connections, lets requests in flight finish (idle keep-alives are closed). */
  close(): Promise<void>;
};

export async function startWebServer(deps: WebDeps, options: { port: number; host: string }): Promise<WebServer> {
  const app = createWebApp(deps);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        if ('closeIdleConnections' in server && typeof server.closeIdleConnections === 'function') server.closeIdleConnections();
      }),
  };
}
