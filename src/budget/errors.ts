/** Budget outcomes that steer a step rather than fail it. */
import { describeLimit, type BudgetLimit } from './units.ts';

/**
 * The run's budget cannot cover this call: the step is deferred (not failed), and the account
 * waits for `bookrun runs resume` with more budget.
 */
export class BudgetDeferral extends Error {
  constructor(
    readonly step: string,
    readonly limit: BudgetLimit,
  ) {
    super(`the run's budget of ${describeLimit(limit)} cannot cover the ${step} step; deferred until the run is resumed with more budget`);
    this.name = 'BudgetDeferral';
  }
}

/**
 * The provider's rate limits leave no room for this call for a while: the job should wait as a
 * delayed job (holding no worker slot) and run again after `delayMs`. Not a failure.
 */
export class ProviderBusy extends Error {
  constructor(
    readonly delayMs: number,
    readonly limit: string,
  ) {
    super(`the provider's ${limit} limit leaves no room for ${Math.ceil(delayMs)} ms; the job waits`);
    this.name = 'ProviderBusy';
  }
}
