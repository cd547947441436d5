/** Who is signed in to the web app, as every route and service sees them. */
export type SessionRep = {
  id: string;
  email: string;
  name: string;
  role: 'rep' | 'manager';
  /** IANA zone dates are shown in. */
  timeZone: string;
};

/** A live session: the rep, the CSRF token their state-changing requests must echo, and its end. */
export type WebSession = { rep: SessionRep; csrfToken: string; expiresAt: Date };

/** The session cookie's name. Not `__Host-`: that prefix needs HTTPS, and the app serves plain HTTP on loopback. */
export const SESSION_COOKIE = 'bookrun_session';
