/** The page frame: head with the local stylesheet and script, the top bar, and the shortcut help. */
import type { Child, FC } from 'hono/jsx';
import type { WebSession } from '../../auth/index.ts';
import type { Assets } from '../assets.ts';
import { CsrfField } from './components.tsx';

export type PageName = 'queue' | 'item' | 'signin' | 'error';

type LayoutProps = {
  title: string;
  page: PageName;
  session: WebSession | null;
  assets: Assets;
  children?: Child;
};

const QUEUE_KEYS: Array<[string, string]> = [
  ['j / k', 'Next / previous item'],
  ['x', 'Select or unselect the item'],
  ['Enter / o', 'Open the item'],
  ['a', 'Accept the item'],
  ['Shift + A', 'Accept the selected items'],
  ['/', 'Search'],
];

const ITEM_KEYS: Array<[string, string]> = [
  ['a', 'Accept'],
  ['e', 'Edit, then accept'],
  ['r', 'Reject (then 1–6 picks the reason)'],
  ['j / k', 'Next / previous item'],
  ['u', 'Back to the queue'],
  ['Esc', 'Close a dialog, leave edit mode'],
];

const ShortcutTable: FC<{ caption: string; keys: Array<[string, string]> }> = ({ caption, keys }) => (
  <table class="shortcuts">
    <caption>{caption}</caption>
    <tbody>
      {keys.map(([k, what]) => (
        <tr>
          <th scope="row">
            <kbd class="kbd">{k}</kbd>
          </th>
          <td>{what}</td>
        </tr>
      ))}
    </tbody>
  </table>
);

export const Layout: FC<LayoutProps> = ({ title, page, session, assets, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="color-scheme" content="light dark" />
      <meta name="robots" content="noindex, nofollow" />
      <title>{`${title} · bookrun`}</title>
      <link rel="icon" type="image/svg+xml" href={assets.url('favicon.svg')} />
      <link rel="stylesheet" href={assets.url('app.css')} />
      {session ? <meta name="csrf-token" content={session.csrfToken} /> : null}
      <script src={assets.url('app.js')} defer></script>
    </head>
    <body data-page={page}>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <a class="brand" href="/" aria-label="bookrun review queue">
          <span class="brand-mark" aria-hidden="true">
            b
          </span>
          <span class="brand-name">bookrun</span>
          <span class="brand-sub">review</span>
        </a>
        {session ? (
          <nav class="topnav" aria-label="Main">
            <a href="/" aria-current={page === 'queue' ? 'page' : undefined}>
              Queue
            </a>
            {session.rep.role === 'manager' ? <a href="/admin/queues" id="nav-jobs">Jobs</a> : null}
          </nav>
        ) : null}
        <div class="topbar-end">
          <button type="button" class="help-button js-only" id="help-button" aria-haspopup="dialog" aria-controls="keyboard-help" title="Keyboard shortcuts (?)">
            <span aria-hidden="true">?</span>
            <span class="visually-hidden">Keyboard shortcuts</span>
          </button>
          {session ? (
            <div class="who" id="signed-in-rep" data-rep-id={session.rep.id} data-role={session.rep.role}>
              <span class="who-text">
                <span class="who-name">{session.rep.name}</span>
                <span class="who-meta">
                  {session.rep.role === 'manager' ? 'Manager' : 'Rep'} · {session.rep.timeZone}
                </span>
              </span>
              <form method="post" action="/signout" id="signout-form" class="inline-form">
                <CsrfField token={session.csrfToken} />
                <button type="submit" id="signout" class="button button-quiet">
                  Sign out
                </button>
              </form>
            </div>
          ) : null}
        </div>
      </header>
      <main id="main" tabindex={-1}>
        {children}
      </main>
      <dialog id="keyboard-help" class="help-dialog" aria-labelledby="keyboard-help-title">
        <div class="dialog-head">
          <h2 id="keyboard-help-title">Keyboard shortcuts</h2>
          <button type="button" class="button button-quiet" data-close-dialog id="keyboard-help-close">
            Close
          </button>
        </div>
        <div class="shortcut-grid">
          <ShortcutTable caption="Queue" keys={QUEUE_KEYS} />
          <ShortcutTable caption="Item" keys={ITEM_KEYS} />
        </div>
        <p class="muted">
          Press <kbd class="kbd">?</kbd> to show or hide this help.
        </p>
      </dialog>
    </body>
  </html>
);
