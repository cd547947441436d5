/**
 * Schedule errors in the application taxonomy (src/errors.ts). The CLI maps `ScheduleInputError`
 * to a usage error (exit 2): the operator can fix the cron expression or the time zone.
 */
import { AppError } from '../errors.ts';

/** A cron expression or time zone that cannot be scheduled; the message says where and why. */
export class ScheduleInputError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('validation', message, options);
    this.name = 'ScheduleInputError';
  }
}
