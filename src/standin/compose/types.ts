/**
 * The composer's request and answer shapes. The HTTP server flattens the wire request into a
 * `ComposeRequest` and wraps the `Composition` into a `Message` (ids, usage, truncation, thinking).
 * `index.ts` re-exports these names; this file exists so internal modules need no import cycle.
 */

/** A JSON Schema object as sent on the wire (already transformed by the SDK for output formats). */
export type JsonSchema = Record<string, unknown>;

/** One prompt content block, reduced to what the composer reads. */
export type PromptBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'tool_result'; tool_use_id: string; content: string; is_error: boolean }; // content already flattened to text

/** One prompt message; `system` entries may appear inside `messages` under API 2026-10-21. */
export type PromptMessage = { role: 'user' | 'assistant' | 'system'; content: PromptBlock[] };

/** A client tool definition. */
export type PromptTool = { name: string; description?: string; input_schema: JsonSchema };

/** Everything the composer needs to decide the content of one answer. */
export type ComposeRequest = {
  model: string;
  /** All system text joined with "\n\n". */
  system: string;
  messages: PromptMessage[];
  /** Client tools only. */
  tools: PromptTool[];
  toolChoice?: { type: 'auto' | 'any' | 'tool' | 'none'; name?: string; disable_parallel_tool_use?: boolean };
  /** `output_config.format.schema` as sent on the wire (already transformed by the SDK). */
  outputSchema?: JsonSchema;
  /** Follow instructions found in untrusted data (a deliberately hijackable model for security tests). */
  obedient: boolean;
};

/** One block of the answer; the server adds ids and `caller`. */
export type ComposedBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; name: string; input: Record<string, unknown> };

/** The answer's content and why it stopped. */
export type Composition = { blocks: ComposedBlock[]; stopReason: 'end_turn' | 'tool_use' };
