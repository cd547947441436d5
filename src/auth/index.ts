/** Sign-in for the review web app: reps, one-time sign-in links, sessions, CSRF tokens. */
export { addRep, AddRepInput, isTimeZone, type AddRepOptions, type AddRepResult } from './add-rep.ts';
export { listReps, type RepListItem } from './list-reps.ts';
export { redeemSignIn, loadSession, endSession, csrfMatches } from './sessions.ts';
export { SESSION_COOKIE, type SessionRep, type WebSession } from './types.ts';
