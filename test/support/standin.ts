/** Starts a stand-in on a free loopback port for one test file, and an SDK client pointed at it. */
import Anthropic from '@anthropic-ai/sdk';
import type { StandinOptionsInput } from '../../src/standin/options.ts';
import { startStandin, type Standin } from '../../src/standin/server.ts';

export const TEST_KEY = 'test-key';

export async function withStandin(options: StandinOptionsInput = {}): Promise<{ standin: Standin; sdk: Anthropic }> {
  const standin = await startStandin({ batchDelayMs: 20, ...options });
  // maxRetries 0: tests see exactly what the server answered.
  const sdk = new Anthropic({ apiKey: TEST_KEY, baseURL: standin.url, maxRetries: 0, openTelemetry: false });
  return { standin, sdk };
}

/** Raw HTTP against the stand-in, for paths the SDK would not send. */
export async function post(standin: Standin, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${standin.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2026-10-21', authorization: `Bearer ${TEST_KEY}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** A realistic account prompt: the facts the composer is expected to use. */
export const ACCOUNT_PROMPT = [
  'Research this account and write the brief.',
  '<account>',
  JSON.stringify({
    account_id: 'acc-1001',
    name: 'Northwind Logistics',
    industry: 'Freight & logistics',
    stage: 'discovery',
    arr: 420000,
    signals: ['Opened a new distribution hub in Rotterdam', 'Hiring 12 dispatch planners'],
    contacts: [
      { name: 'Dana Whitfield', title: 'VP Operations', email: 'dana.whitfield@northwind.example', do_not_contact: false },
    ],
    facts: [
      { id: 'F1', text: 'Northwind opened a new distribution hub in Rotterdam in October' },
      { id: 'F2', text: 'Northwind is hiring 12 dispatch planners' },
    ],
  }),
  '</account>',
].join('\n');
