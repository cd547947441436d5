/**
 * Turning a structured-output response into validated data. Bad model output is never returned
 * as data: every failure is an `LlmError` of kind `invalid_output` that says what failed.
 */
import type { Message } from '@anthropic-ai/sdk/resources/messages';
import type { z } from 'zod';
import { LlmError } from './errors.ts';
import { formatIssues } from './request.ts';

type RequestId = { _request_id?: string | null };

/**
 * Validate a response produced with `output_config.format`: not truncated, not refused, one
 * JSON text block (selected by type) that passes `schema`.
 */
export function parseStructured<T>(message: Message, schema: z.ZodType<T>, name = 'structured output'): T {
  const requestId = (message as RequestId)._request_id ?? undefined;
  const fail = (what: string, cause?: unknown) =>
    new LlmError('invalid_output', `${name}: ${what}${requestId ? ` [request-id ${requestId}]` : ''}`, {
      requestId,
      cause,
    });

  // Check truncation first: a cut-off JSON document would otherwise surface as a confusing parse error.
  if (message.stop_reason === 'max_tokens') {
    throw fail(`output truncated at max_tokens after ${message.usage.output_tokens} output tokens; raise maxTokens`);
  }
  if (message.stop_reason === 'refusal') {
    const category = message.stop_details?.category ?? 'unspecified';
    throw fail(`the model refused (category ${category})`);
  }
  const block = message.content.find((b) => b.type === 'text');
  if (!block) throw fail(`no text block in the response (stop_reason ${message.stop_reason ?? 'null'})`);

  let json: unknown;
  try {
    json = JSON.parse(block.text);
  } catch (err) {
    throw fail(`output is not valid JSON (${err instanceof Error ? err.message : String(err)})`, err);
  }
  const result = schema.safeParse(json);
  if (!result.success) throw fail(`output does not match the schema: ${formatIssues(result.error)}`, result.error);
  return result.data;
}
