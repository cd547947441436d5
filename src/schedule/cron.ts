/**
 * Cron expressions, checked and evaluated with cron-parser — the parser BullMQ's Job Scheduler
 * uses — so the fire times bookrun shows are the ones the scheduler will produce.
 */
import { CronExpressionParser } from 'cron-parser';
import { ScheduleInputError } from './errors.ts';

const FIVE = ['minute', 'hour', 'day of month', 'month', 'day of week'] as const;
const SIX = ['second', ...FIVE] as const;

/**
 * Returns the expression with its fields separated by single spaces, or throws
 * `ScheduleInputError` saying which field is wrong and why. 5 fields, or 6 with seconds first;
 * aliases such as `@daily` are refused so the stored expression is always explicit.
 */
export function checkCron(expr: string): string {
  const fields = expr.trim().split(/\s+/).filter(Boolean);
  if (fields.length === 1 && fields[0]?.startsWith('@'))
    throw new ScheduleInputError(`cron "${expr}": aliases such as @daily are not accepted; write the fields, e.g. "0 2 * * *" for 02:00 every night`);
  // cron-parser accepts fewer fields (an empty string means every minute), so count them here.
  if (fields.length !== 5 && fields.length !== 6) {
    throw new ScheduleInputError(
      `cron "${expr}" has ${fields.length} field${fields.length === 1 ? '' : 's'}; give 5 (minute hour day-of-month month day-of-week, e.g. "0 2 * * *" for 02:00 every night) or 6 with seconds first`,
    );
  }
  const names = fields.length === 5 ? FIVE : SIX;
  // Each field alone, the others wildcards: the parser's message then belongs to that field.
  for (const [i, field] of fields.entries()) {
    const probe = fields.map((f, j) => (j === i ? f : '*')).join(' ');
    try {
      CronExpressionParser.parse(probe);
    } catch (error) {
      throw new ScheduleInputError(`cron "${expr}": field ${i + 1} (${names[i]}) "${field}" is invalid: ${reason(error)}`, { cause: error });
    }
  }
  const normalized = fields.join(' ');
  try {
    // Fields valid on their own can still never meet (e.g. "0 2 30 2 *", February 30th).
    CronExpressionParser.parse(normalized).next();
  } catch (error) {
    throw new ScheduleInputError(`cron "${expr}" never fires: ${reason(error)}`, { cause: error });
  }
  return normalized;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The next `count` fire times after `fromMs` (exclusive), as epoch milliseconds, for a cron
 * expression already checked with `checkCron` and a zone checked with `checkTimeZone`.
 */
export function nextFireTimes(cron: string, tz: string, fromMs: number, count: number): number[] {
  const expression = CronExpressionParser.parse(cron, { tz, currentDate: new Date(fromMs) });
  return expression.take(count).map((d) => d.getTime());
}
