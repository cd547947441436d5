/** The review web app: pages, JSON API, bull-board (issue 6). */
export { createWebApp } from './app.ts';
export { startWebServer, type WebServer } from './server.ts';
export type { WebDeps, WebEnv } from './web-env.ts';
