/**
 * Errors of the agent layer. `AgentOutputError` means "the model answered, but the answer is not
 * acceptable for this account": the pipeline treats it exactly like `LlmError` kind
 * `invalid_output` (retry or give up), and the answer is never stored as an artifact.
 */

/** The three sub-agent steps, named after their skills. */
export type AgentStep = 'research' | 'prioritization' | 'drafting';

/** The model's answer failed validation against the account. `problems` lists every reason. */
export class AgentOutputError extends Error {
  /** Same kind as `LlmError` for schema failures, so one branch handles both. */
  readonly kind = 'invalid_output' as const;
  readonly step: AgentStep;
  readonly problems: readonly string[];

  constructor(step: AgentStep, problems: readonly string[]) {
    super(`${step} output rejected: ${problems.join('; ')}`);
    this.name = 'AgentOutputError';
    this.step = step;
    this.problems = problems;
  }
}

/** Why a request could not be built. */
export type AgentInputErrorCode = 'no_reachable_contact' | 'wrong_skill';

/**
 * The request cannot be built from this input (a caller bug, or an account that must be skipped,
 * such as one with no reachable contact). Thrown before any token is spent.
 */
export class AgentInputError extends Error {
  readonly code: AgentInputErrorCode;

  constructor(code: AgentInputErrorCode, message: string) {
    super(message);
    this.name = 'AgentInputError';
    this.code = code;
  }
}
