/* global document, fetch, location, URL, FormData, HTMLElement, HTMLInputElement, HTMLDialogElement, setTimeout, clearTimeout */
/*
 * bookrun review — the page script. The pages work without it (plain links and forms); this adds
 * the keyboard (j/k, a, e, r, x, ?), decisions by fetch with the session's CSRF header, and quick
 * feedback. It never writes HTML: text goes in with textContent only.
 */
'use strict';

(function () {
  const root = document.documentElement;
  root.classList.add('js');

  const page = document.body.dataset.page || '';
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const csrfToken = csrfMeta ? csrfMeta.getAttribute('content') || '' : '';

  // ---------------------------------------------------------------- helpers

  function isTyping(target) {
    if (!(target instanceof HTMLElement)) return false;
    if (target.isContentEditable) return true;
    const tag = target.tagName;
    if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
    if (tag === 'INPUT') {
      const type = (target.getAttribute('type') || 'text').toLowerCase();
      return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(type);
    }
    return false;
  }

  let toastTimer = null;
  function toast(message, isError) {
    let el = document.getElementById('toast');
    if (!el) {
      el = document.createElement('div');
      el.id = 'toast';
      el.className = 'toast';
      el.setAttribute('role', 'status');
      el.setAttribute('aria-live', 'polite');
      document.body.appendChild(el);
    }
    el.textContent = message;
    el.dataset.kind = isError ? 'error' : 'info';
    el.hidden = false;
    if (toastTimer) clearTimeout(toastTimer);
    toastTimer = setTimeout(function () {
      el.hidden = true;
    }, isError ? 6000 : 2500);
  }

  /** POST JSON with the session's CSRF header. Resolves to {ok, status, data}; rejects only on a network failure. */
  async function postJson(path, body) {
    const response = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrfToken },
      body: JSON.stringify(body),
    });
    let data;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    return { ok: response.ok, status: response.status, data: data };
  }

  function errorMessage(result) {
    if (result.data && result.data.error && typeof result.data.error.message === 'string') return result.data.error.message;
    if (result.status === 401) return 'Your session has ended. Reload the page to sign in again.';
    return 'That did not work (HTTP ' + result.status + '). Try again.';
  }

  function follow(selector) {
    const link = document.querySelector(selector);
    if (link && link.getAttribute('href')) location.assign(link.getAttribute('href'));
  }

  // ---------------------------------------------------------------- help overlay

  const help = document.getElementById('keyboard-help');
  const helpButton = document.getElementById('help-button');

  function toggleHelp() {
    if (!(help instanceof HTMLDialogElement)) return;
    if (help.open) help.close();
    else help.showModal();
  }

  if (helpButton) helpButton.addEventListener('click', toggleHelp);

  document.addEventListener('click', function (event) {
    const target = event.target instanceof HTMLElement ? event.target.closest('[data-close-dialog]') : null;
    if (!target) return;
    const dialog = target.closest('dialog');
    if (dialog instanceof HTMLDialogElement) {
      event.preventDefault();
      dialog.close();
    }
  });

  // ---------------------------------------------------------------- queue page

  function queuePage() {
    const rows = Array.from(document.querySelectorAll('tr.item-row'));
    const bulkForm = document.getElementById('bulk-form');
    const acceptSelected = document.getElementById('accept-selected');
    const selectAll = document.getElementById('select-all');
    const selectedCount = document.getElementById('selected-count');
    const filters = document.getElementById('queue-filters');
    let current = -1;
    let busy = false;

    function boxes() {
      return Array.from(document.querySelectorAll('input.row-select:not(:disabled)'));
    }

    function updateSelection() {
      const all = boxes();
      const checked = all.filter(function (b) {
        return b.checked;
      });
      if (selectedCount) selectedCount.textContent = checked.length + ' selected';
      if (acceptSelected) acceptSelected.disabled = checked.length === 0;
      if (selectAll instanceof HTMLInputElement) {
        selectAll.checked = all.length > 0 && checked.length === all.length;
        selectAll.indeterminate = checked.length > 0 && checked.length < all.length;
      }
    }

    function setCurrent(index) {
      if (rows.length === 0) return;
      const next = Math.max(0, Math.min(rows.length - 1, index));
      if (current >= 0 && rows[current]) rows[current].classList.remove('is-current');
      current = next;
      const row = rows[current];
      row.classList.add('is-current');
      const link = row.querySelector('.item-link');
      if (link) link.focus({ preventScroll: true });
      row.scrollIntoView({ block: 'nearest' });
    }

    function move(delta) {
      if (current === -1) return setCurrent(delta > 0 ? 0 : rows.length - 1);
      const target = current + delta;
      if (target >= rows.length) {
        const nextPage = document.getElementById('next-page');
        if (nextPage) return location.assign(nextPage.getAttribute('href'));
      }
      setCurrent(target);
    }

    async function acceptCurrent() {
      const row = rows[current];
      if (!row || busy || row.dataset.status !== 'pending' || row.classList.contains('is-done')) return;
      busy = true;
      try {
        const result = await postJson('/api/items/' + encodeURIComponent(row.dataset.itemId) + '/decision', { verdict: 'accepted' });
        if (!result.ok) return toast(errorMessage(result), true);
        row.classList.add('is-done');
        row.dataset.status = 'accepted';
        const box = row.querySelector('input.row-select');
        if (box instanceof HTMLInputElement) {
          box.checked = false;
          box.disabled = true;
        }
        updateSelection();
        toast('Accepted: ' + (row.querySelector('.item-link') || {}).textContent);
        move(1);
      } catch {
        toast('Network error: nothing was changed. Try again.', true);
      } finally {
        busy = false;
      }
    }

    rows.forEach(function (row, index) {
      row.addEventListener('focusin', function () {
        if (current !== index) {
          if (current >= 0 && rows[current]) rows[current].classList.remove('is-current');
          current = index;
          row.classList.add('is-current');
        }
      });
      // A click anywhere on a row (not on its link or checkbox) opens the item.
      row.addEventListener('click', function (event) {
        const target = event.target;
        if (target instanceof HTMLElement && target.closest('a, input, label, button')) return;
        if (row.dataset.href) location.assign(row.dataset.href);
      });
    });

    if (selectAll instanceof HTMLInputElement) {
      selectAll.addEventListener('change', function () {
        boxes().forEach(function (b) {
          b.checked = selectAll.checked;
        });
        updateSelection();
      });
    }
    document.addEventListener('change', function (event) {
      if (event.target instanceof HTMLInputElement && event.target.classList.contains('row-select')) updateSelection();
    });

    if (filters) {
      filters.querySelectorAll('[data-autosubmit]').forEach(function (el) {
        el.addEventListener('change', function () {
          filters.requestSubmit();
        });
      });
    }

    if (bulkForm) {
      bulkForm.addEventListener('submit', async function (event) {
        if (bulkForm.dataset.native === '1') return;
        event.preventDefault();
        const ids = boxes()
          .filter(function (b) {
            return b.checked;
          })
          .map(function (b) {
            return b.value;
          });
        if (ids.length === 0) return toast('Select items first (x selects the current one).', true);
        if (busy) return;
        busy = true;
        if (acceptSelected) acceptSelected.disabled = true;
        try {
          const result = await postJson('/api/bulk-accept', { itemIds: ids });
          if (!result.ok) {
            toast(errorMessage(result), true);
            return;
          }
          const url = new URL(location.href);
          url.searchParams.set('flash', 'bulk');
          url.searchParams.set('accepted', String(result.data.accepted.length));
          url.searchParams.set('failed', String(result.data.failed.length));
          location.assign(url.pathname + url.search);
        } catch {
          // No answer: let the browser post the form itself.
          bulkForm.dataset.native = '1';
          bulkForm.requestSubmit(acceptSelected || undefined);
        } finally {
          busy = false;
          updateSelection();
        }
      });
    }

    updateSelection();

    return function onKey(event) {
      const key = event.key;
      if (key === 'j' || key === 'ArrowDown') return move(1), true;
      if (key === 'k' || key === 'ArrowUp') return move(-1), true;
      if (key === 'x' && current >= 0) {
        const box = rows[current].querySelector('input.row-select');
        if (box instanceof HTMLInputElement && !box.disabled) {
          box.checked = !box.checked;
          updateSelection();
        }
        return true;
      }
      // Enter on the focused row link opens it natively; `o` (or Enter with nothing focused) does the same.
      if (current >= 0 && (key === 'o' || (key === 'Enter' && document.activeElement === document.body))) {
        location.assign(rows[current].dataset.href);
        return true;
      }
      if (key === 'a' && !event.repeat) {
        if (current === -1) setCurrent(0);
        acceptCurrent();
        return true;
      }
      if (key === 'A' && !event.repeat && bulkForm) {
        bulkForm.requestSubmit(acceptSelected || undefined);
        return true;
      }
      if (key === '/') {
        const search = document.getElementById('search');
        if (search) search.focus();
        return true;
      }
      return false;
    };
  }

  // ---------------------------------------------------------------- item page

  function itemPage() {
    const form = document.getElementById('decision-form');
    const editPanel = document.getElementById('edit-panel');
    const rejectDialog = document.getElementById('reject-dialog');
    const status = document.getElementById('form-status');
    let busy = false;

    function setStatus(message, isError) {
      if (!status) return;
      status.textContent = message;
      status.classList.toggle('is-error', Boolean(isError));
    }

    function openEdit() {
      if (!editPanel) return;
      const view = document.getElementById('draft-view');
      if (view) view.hidden = true;
      editPanel.hidden = false;
      const subject = document.getElementById('edit-subject');
      editPanel.scrollIntoView({ block: 'nearest' });
      if (subject) subject.focus();
    }

    function closeEdit() {
      if (!editPanel || editPanel.hidden) return false;
      editPanel.hidden = true;
      const view = document.getElementById('draft-view');
      if (view) view.hidden = false;
      const edit = document.getElementById('edit');
      if (edit) edit.focus();
      return true;
    }

    function openReject() {
      if (!(rejectDialog instanceof HTMLDialogElement)) return;
      if (rejectDialog.open && !rejectDialog.matches(':modal')) rejectDialog.close();
      if (!rejectDialog.open) rejectDialog.showModal();
      const checked = rejectDialog.querySelector('input[name="rejectReason"]:checked');
      const first = rejectDialog.querySelector('input[name="rejectReason"]');
      const target = checked || first;
      if (target) target.focus();
    }

    // Server-rendered ?mode=reject shows the panel in the page; with the script it is a modal.
    if (rejectDialog instanceof HTMLDialogElement && rejectDialog.open) openReject();

    document.querySelectorAll('[data-action="edit"]').forEach(function (el) {
      el.addEventListener('click', function (event) {
        event.preventDefault();
        openEdit();
      });
    });
    document.querySelectorAll('[data-action="cancel-edit"]').forEach(function (el) {
      el.addEventListener('click', function (event) {
        event.preventDefault();
        closeEdit();
      });
    });
    document.querySelectorAll('[data-action="reject"]').forEach(function (el) {
      el.addEventListener('click', function (event) {
        event.preventDefault();
        openReject();
      });
    });

    if (rejectDialog) {
      rejectDialog.addEventListener('keydown', function (event) {
        if (event.ctrlKey || event.metaKey || event.altKey) {
          if (event.key === 'Enter') {
            event.preventDefault();
            const confirm = document.getElementById('confirm-reject');
            if (form && confirm) form.requestSubmit(confirm);
          }
          return;
        }
        if (isTyping(event.target)) return;
        const n = Number(event.key);
        if (Number.isInteger(n) && n >= 1) {
          const radios = rejectDialog.querySelectorAll('input[name="rejectReason"]');
          const radio = radios[n - 1];
          if (radio instanceof HTMLInputElement) {
            event.preventDefault();
            radio.checked = true;
            radio.focus();
            if (radio.value === 'other') {
              const note = document.getElementById('note');
              if (note) note.focus();
            }
          }
        }
      });
    }

    if (editPanel) {
      editPanel.addEventListener('keydown', function (event) {
        if ((event.ctrlKey || event.metaKey) && event.key === 'Enter') {
          event.preventDefault();
          const save = document.getElementById('save-edit');
          if (form && save) form.requestSubmit(save);
        } else if (event.key === 'Escape') {
          event.preventDefault();
          closeEdit();
        }
      });
    }

    function payloadFrom(verdict) {
      const data = new FormData(form);
      const text = function (name) {
        const v = data.get(name);
        return typeof v === 'string' ? v : '';
      };
      const body = { verdict: verdict };
      const note = text('note').trim();
      if (note) body.note = note;
      if (text('briefVerdict')) body.briefVerdict = text('briefVerdict');
      if (text('tierVerdict')) body.tierVerdict = text('tierVerdict');
      if (verdict === 'rejected') body.rejectReason = text('rejectReason');
      if (verdict === 'edited') body.edited = { subject: text('subject'), body: text('body') };
      return body;
    }

    if (form) {
      form.addEventListener('submit', async function (event) {
        if (form.dataset.native === '1') return;
        event.preventDefault();
        if (busy) return;
        const submitter = event.submitter;
        const verdict = submitter && submitter.value;
        if (verdict !== 'accepted' && verdict !== 'edited' && verdict !== 'rejected') return;
        const body = payloadFrom(verdict);
        if (verdict === 'rejected' && !body.rejectReason) {
          setStatus('Choose why you reject it (1–6).', true);
          openReject();
          return;
        }
        if (verdict === 'rejected' && body.rejectReason === 'other' && !body.note) {
          setStatus('Say why in a few words when the reason is “Other”.', true);
          const note = document.getElementById('note');
          if (note) note.focus();
          return;
        }
        busy = true;
        const buttons = Array.from(form.querySelectorAll('button[type="submit"]'));
        buttons.forEach(function (b) {
          b.dataset.wasDisabled = b.disabled ? '1' : '';
          b.disabled = true;
        });
        setStatus('Saving…', false);
        try {
          const result = await postJson('/api/items/' + encodeURIComponent(form.dataset.itemId) + '/decision', body);
          if (!result.ok) {
            setStatus(errorMessage(result), true);
            if (rejectDialog instanceof HTMLDialogElement && rejectDialog.open && verdict !== 'rejected') rejectDialog.close();
            return;
          }
          if (rejectDialog instanceof HTMLDialogElement && rejectDialog.open) rejectDialog.close();
          const label = verdict === 'accepted' ? 'Accepted' : verdict === 'edited' ? 'Edits saved and accepted' : 'Rejected';
          setStatus(label + '. Opening the next item…', false);
          const next = result.data && result.data.nextItemId;
          location.assign(next ? '/items/' + encodeURIComponent(next) + '?flash=' + verdict : '/?flash=' + verdict + '&last=1');
        } catch {
          // No answer from the server: post the form the plain way instead.
          form.dataset.native = '1';
          buttons.forEach(function (b) {
            b.disabled = b.dataset.wasDisabled === '1';
          });
          form.requestSubmit(submitter);
          return;
        } finally {
          busy = false;
          if (form.dataset.native !== '1')
            buttons.forEach(function (b) {
              b.disabled = b.dataset.wasDisabled === '1';
            });
        }
      });
    }

    return function onKey(event) {
      const key = event.key;
      if (key === 'j') return follow('#next-item'), true;
      if (key === 'k') return follow('#prev-item'), true;
      if (key === 'u') return location.assign('/'), true;
      if (!form || event.repeat) return false;
      if (key === 'a') {
        const accept = document.getElementById('accept');
        if (accept) form.requestSubmit(accept);
        return true;
      }
      if (key === 'e') return openEdit(), true;
      if (key === 'r') return openReject(), true;
      return false;
    };
  }

  // ---------------------------------------------------------------- keyboard

  const pageKeys = page === 'queue' ? queuePage() : page === 'item' ? itemPage() : null;

  document.addEventListener('keydown', function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    const openDialog = document.querySelector('dialog[open]');
    if (event.key === 'Escape') {
      // Leave a search box or note without a dialog to close.
      if (!openDialog && isTyping(event.target) && event.target instanceof HTMLElement) event.target.blur();
      return;
    }
    if (isTyping(event.target)) return;
    if (event.key === '?') {
      event.preventDefault();
      toggleHelp();
      return;
    }
    // While a dialog is open its own keys apply (digits in the reject dialog, Esc to close).
    if (openDialog) return;
    if (pageKeys && pageKeys(event)) event.preventDefault();
  });
})();
