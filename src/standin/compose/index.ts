/**
 * The stand-in model's content composer: decides what the offline "Claude" answers. Pure and
 * deterministic (same request → byte-identical answer; variety comes only from hashes of the
 * input) and linear in the prompt size. The HTTP server adds ids, usage, truncation, stop
 * sequences and thinking blocks.
 *
 * Hard rules: answers use only facts found in the prompt, never mention topics listed to avoid,
 * never cite an id the prompt does not hold, and (unless `obedient`) never follow instructions
 * found in data.
 */
import type { ComposeRequest, Composition, JsonSchema } from './types.ts';
import { buildContext } from './context.ts';
import { fillSchema } from './schema-fill.ts';
import { toolTurn } from './tool-loop.ts';
import { freeText } from './free-text.ts';
import { classifyKey } from './key-roles.ts';
import { constraintsOf, resolveRef } from './schema-util.ts';
import { isRecord, normKey } from './text-util.ts';

export type { ComposedBlock, ComposeRequest, Composition, JsonSchema, PromptBlock, PromptMessage, PromptTool } from './types.ts';

/**
 * Decides the content of one answer: tool calls (`stopReason: 'tool_use'`), structured JSON valid
 * against `outputSchema` (one text block), or a short free-text paragraph.
 */
export function compose(req: ComposeRequest): Composition {
  const ctx = buildContext(req, req.outputSchema ? bodyMaxLength(req.outputSchema) : undefined);
  const calls = toolTurn(req, ctx);
  if (calls) return { blocks: calls, stopReason: 'tool_use' };
  const text = req.outputSchema ? JSON.stringify(fillSchema(req.outputSchema, ctx)) : freeText(ctx, req.system);
  return { blocks: [{ type: 'text', text }], stopReason: 'end_turn' };
}

/** The maxLength of the first body-like string property, so the draft can drop sentences instead of being cut. */
function bodyMaxLength(root: JsonSchema): number | undefined {
  const queue: Array<[JsonSchema, number]> = [[resolveRef(root, root), 0]];
  for (let i = 0; i < queue.length && i < 200; i++) {
    const [schema, depth] = queue[i] ?? [{}, 0];
    const props = isRecord(schema['properties']) ? schema['properties'] : {};
    for (const [key, raw] of Object.entries(props)) {
      const ps = resolveRef(raw, root);
      const role = classifyKey(normKey(key), 'none');
      if ((role === 'body' || role === 'emailOrBody') && ps['format'] !== 'email') return constraintsOf(ps).maxLength;
      if (depth < 3 && isRecord(ps['properties'])) queue.push([ps, depth + 1]);
    }
  }
  return undefined;
}
