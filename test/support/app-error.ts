/** The AppError a promise rejects with; fails the test when it resolves or throws anything else. */
import { AppError } from '../../src/errors.ts';

export async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}
