/** A friendly page for every HTML error (the JSON API answers `{ error: { code, message } }`). */
import type { FC } from 'hono/jsx';
import type { WebSession } from '../../auth/index.ts';
import type { Assets } from '../assets.ts';
import { Layout } from './layout.tsx';

const TITLES: Record<number, string> = {
  400: 'That did not work',
  403: 'Request refused',
  404: 'Not found',
  409: 'Already decided',
  413: 'Too much at once',
  422: 'Cannot approve this',
  500: 'Something went wrong',
};

export const ErrorPage: FC<{ assets: Assets; session: WebSession | null; status: number; code: string; message: string; back?: string | undefined }> = ({ assets, session, status, code, message, back }) => (
  <Layout title={TITLES[status] ?? 'Error'} page="error" session={session} assets={assets}>
    <section class="error-card" id="error" data-status={status} data-code={code} aria-labelledby="error-title">
      <p class="error-status">{status}</p>
      <h1 id="error-title">{TITLES[status] ?? 'Error'}</h1>
      <p class="error-message" id="error-message">
        {message}
      </p>
      <div class="actions">
        {back ? (
          <a class="button button-primary" href={back} id="error-back">
            Back to the item
          </a>
        ) : null}
        <a class={back ? 'button' : 'button button-primary'} href="/" id="error-home">
          Go to the queue
        </a>
      </div>
    </section>
  </Layout>
);
