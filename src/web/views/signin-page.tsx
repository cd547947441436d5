/**
 * Sign-in pages. A link from `bookrun reps add` opens a confirm page whose button POSTs the token:
 * a GET never redeems it, so mail scanners that prefetch links cannot burn them.
 */
import type { FC } from 'hono/jsx';
import type { Assets } from '../assets.ts';
import { Flash } from './components.tsx';
import { Layout } from './layout.tsx';

const NEW_LINK = 'bookrun reps add --email YOU@COMPANY.COM --name "YOUR NAME" --role rep';

export const SignInConfirmPage: FC<{ assets: Assets; token: string }> = ({ assets, token }) => (
  <Layout title="Sign in" page="signin" session={null} assets={assets}>
    <section class="auth-card" aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in to bookrun</h1>
      <p>You opened a one-time sign-in link. It works once; after that, this browser stays signed in for the working day.</p>
      <form method="post" action="/signin" id="signin-form">
        <input type="hidden" name="token" value={token} />
        <button type="submit" class="button button-primary button-large" id="signin-confirm">
          Sign in
        </button>
      </form>
    </section>
  </Layout>
);

export type SignInHelpReason = 'signed_out' | 'not_signed_in' | 'link_invalid' | 'session_expired';

const HEADINGS: Record<SignInHelpReason, string> = {
  signed_out: 'You are signed out',
  not_signed_in: 'Sign in to review',
  link_invalid: 'This sign-in link does not work',
  session_expired: 'Your session has ended',
};

export const SignInHelpPage: FC<{ assets: Assets; reason: SignInHelpReason; message?: string | undefined }> = ({ assets, reason, message }) => (
  <Layout title="Sign in" page="signin" session={null} assets={assets}>
    <section class="auth-card" aria-labelledby="signin-title" id="signin-help" data-reason={reason}>
      <h1 id="signin-title">{HEADINGS[reason]}</h1>
      <Flash message={message ?? null} kind={reason === 'signed_out' ? 'success' : 'error'} />
      <p>
        bookrun signs you in with a one-time link instead of a password. Open the most recent link your manager sent you; each link works once and
        expires after a day.
      </p>
      <p>Need a new link? Ask your manager (or whoever runs bookrun) to run:</p>
      <pre class="command">
        <code>{NEW_LINK}</code>
      </pre>
      <p class="muted">Running it again for the same email issues a fresh link and retires the older ones.</p>
    </section>
  </Layout>
);
