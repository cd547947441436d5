/**
 * Streams a finished `Message` as the API's named SSE events:
 * message_start → (content_block_start → deltas → content_block_stop)* → message_delta → message_stop.
 * Deltas are paced by the per-output-token latency, so streams feel like generation.
 */
import type { ServerResponse } from 'node:http';
import type { MessageObject, OutputBlock } from './respond.ts';
import { countTextTokens } from './tokens.ts';

const TEXT_CHUNK = 48;
const JSON_CHUNK = 32;

type Sleep = (ms: number) => Promise<void>;

export async function streamMessage(res: ServerResponse, message: MessageObject, options: { tokenLatencyMs: number; sleep: Sleep }): Promise<void> {
  const send = (event: string, data: unknown) => {
    if (!res.destroyed) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const pace = async (text: string) => {
    if (options.tokenLatencyMs > 0) await options.sleep(options.tokenLatencyMs * countTextTokens(text));
  };

  const { usage } = message;
  send('message_start', {
    type: 'message_start',
    message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: Math.min(1, usage.output_tokens) } },
  });
  send('ping', { type: 'ping' });

  for (const [index, block] of message.content.entries()) {
    send('content_block_start', { type: 'content_block_start', index, content_block: emptyBlock(block) });
    for (const delta of deltas(block)) {
      if (res.destroyed) return;
      await pace(deltaText(delta));
      send('content_block_delta', { type: 'content_block_delta', index, delta });
    }
    send('content_block_stop', { type: 'content_block_stop', index });
  }

  send('message_delta', {
    type: 'message_delta',
    delta: { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence, stop_details: null, container: null },
    // Cumulative counts, as the API reports them at the end of a stream.
    usage: {
      input_tokens: usage.input_tokens,
      output_tokens: usage.output_tokens,
      cache_creation_input_tokens: usage.cache_creation_input_tokens,
      cache_read_input_tokens: usage.cache_read_input_tokens,
      server_tool_use: null,
    },
  });
  send('message_stop', { type: 'message_stop' });
}

function emptyBlock(block: OutputBlock): unknown {
  switch (block.type) {
    case 'thinking':
      return { type: 'thinking', thinking: '', signature: '' };
    case 'text':
      return { type: 'text', text: '', citations: null };
    case 'tool_use':
      return { ...block, input: {} };
  }
}

type Delta =
  | { type: 'text_delta'; text: string }
  | { type: 'input_json_delta'; partial_json: string }
  | { type: 'thinking_delta'; thinking: string }
  | { type: 'signature_delta'; signature: string };

function deltas(block: OutputBlock): Delta[] {
  switch (block.type) {
    case 'thinking':
      return [...chunks(block.thinking, TEXT_CHUNK).map((thinking): Delta => ({ type: 'thinking_delta', thinking })), { type: 'signature_delta', signature: block.signature }];
    case 'text':
      return chunks(block.text, TEXT_CHUNK).map((text) => ({ type: 'text_delta', text }));
    case 'tool_use':
      return chunks(JSON.stringify(block.input), JSON_CHUNK).map((partial_json) => ({ type: 'input_json_delta', partial_json }));
  }
}

function deltaText(delta: Delta): string {
  switch (delta.type) {
    case 'text_delta':
      return delta.text;
    case 'input_json_delta':
      return delta.partial_json;
    case 'thinking_delta':
      return delta.thinking;
    case 'signature_delta':
      return '';
  }
}

function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  // Iterate by code points so a chunk never splits a surrogate pair.
  const chars = Array.from(text);
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}
