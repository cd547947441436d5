/**
 * Decides where model calls go, once per process:
 * - `ANTHROPIC_API_KEY` and no base URL → Claude;
 * - `ANTHROPIC_BASE_URL` → that Anthropic-compatible server (a running stand-in, a proxy);
 * - neither → the offline stand-in, started in-process on a free loopback port with the
 *   `BOOKRUN_STANDIN_*` knobs.
 * Either way the same client code path runs (DESIGN.md principle 6).
 */
import type { Config } from '../config.ts';
import { startStandin } from '../standin/server.ts';
import { createLlmClient, type LlmClientOptions } from './client.ts';
import type { LlmClient } from './types.ts';

/** Local servers ignore the key, but the SDK needs one to send. */
const OFFLINE_KEY = 'bookrun-offline';

export type LlmEndpoint = {
  mode: 'claude' | 'custom' | 'standin';
  /** Where calls go; `undefined` for Claude's public API. */
  baseURL: string | undefined;
  apiKey: string;
  /** Stops the in-process stand-in, if one was started. */
  close(): Promise<void>;
};

export async function connectLlm(config: Config): Promise<LlmEndpoint> {
  const { apiKey, baseURL } = config.llm;
  if (baseURL) return { mode: 'custom', baseURL, apiKey: apiKey ?? OFFLINE_KEY, close: async () => {} };
  if (apiKey) return { mode: 'claude', baseURL: undefined, apiKey, close: async () => {} };
  const standin = await startStandin(config.standin);
  return { mode: 'standin', baseURL: standin.url, apiKey: OFFLINE_KEY, close: () => standin.close() };
}

/** The client for an endpoint, with the retry and timeout policy from config. */
export function clientFor(config: Config, endpoint: LlmEndpoint, extra: Pick<LlmClientOptions, 'onCall' | 'fetch'> = {}): LlmClient {
  return createLlmClient({
    apiKey: endpoint.apiKey,
    baseURL: endpoint.baseURL,
    maxRetries: config.llm.maxRetries,
    timeoutMs: config.llm.timeoutMs,
    models: config.llm.models,
    ...extra,
  });
}

/** Describes the endpoint for a log line; never includes the key. */
export function describeEndpoint(endpoint: LlmEndpoint): string {
  switch (endpoint.mode) {
    case 'claude':
      return 'Claude (ANTHROPIC_API_KEY set)';
    case 'custom':
      return `Anthropic-compatible server at ${endpoint.baseURL} (ANTHROPIC_BASE_URL)`;
    case 'standin':
      return `offline stand-in at ${endpoint.baseURL} (no ANTHROPIC_API_KEY; text is template-built)`;
  }
}
