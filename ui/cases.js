// The Cases view: the list, the case page (timeline with statuses and support's replies, what was sent,
// Check now, mute, status by hand, link or dismiss a case found in e-mail), the outbox, the e-mail sync
// state, importing .eml files, and adding a case by number. Updates in place when a source reports a
// change. Text from servers and mails is always set as text.

import { api } from './api.js';
import { CODES } from './codes.js';
import { h, replace, formatWhen, formatDateTime, pagedList } from './dom.js';
import * as cjAccounts from './cj-accounts.js';

const el = {
  view: document.getElementById('cases-view'),
  list: document.getElementById('cases-list'),
  outbox: document.getElementById('outbox'),
  outboxSection: document.getElementById('outbox-section'),
  outboxCount: document.getElementById('outbox-count'),
  page: document.getElementById('case-view'),
  title: document.getElementById('case-title'),
  status: document.getElementById('case-status'),
  checked: document.getElementById('case-checked'),
  error: document.getElementById('case-error'),
  history: document.getElementById('status-history'),
  draft: document.getElementById('case-draft'),
  unlinkRow: document.getElementById('case-unlink-row'),
  muted: document.getElementById('case-muted'),
  watch: document.getElementById('case-watch'),
  picker: document.getElementById('case-status-picker'),
  pickerSelect: document.getElementById('status-picker'),
  open: document.getElementById('case-open'),
  checkNow: document.getElementById('case-check-now'),
  found: document.getElementById('case-found'),
  linkDraft: document.getElementById('link-draft'),
  syncState: document.getElementById('mail-sync-state'),
  importResult: document.getElementById('import-result'),
};

const casePages = pagedList({
  listEl: el.list,
  testid: 'cases',
  fetch: (limit, after) => api.listCases(limit, after, cjAccounts.filterAccount()),
  render: (c) => caseItem(c),
  cursorOf: (c) => ({ at: c.createdAt, id: c.id }),
  empty: () => h('li', { class: 'none' }, 'No cases yet. Submit a ready draft, or add a case filed elsewhere.'),
});

let currentCase = null;
let hooks = { toast() {}, showView() {}, onLinked() {}, onOutboxChanged() {} };

export function setHooks(h2) {
  hooks = { ...hooks, ...h2 };
}

function caseItem(c) {
  return h('li', { 'data-testid': 'case-item', dataset: { caseNumber: c.caseNumber, status: c.status || '', id: String(c.id) } },
    h('button', { type: 'button', class: 'case-open', onclick: () => openCase(c.id) },
      h('span', { class: 'number' }, `#${c.caseNumber}`),
      h('span', { class: 'subject' }, c.subject || '(no subject)'),
      h('span', { class: `badge status ${c.watch}` }, c.status || 'checking…'),
      h('span', { class: 'meta' }, c.lastCheckedAt ? `checked ${formatWhen(c.lastCheckedAt)}` : 'not checked yet'),
      c.lastError ? h('span', { class: 'case-error', 'data-testid': 'case-item-error' }, c.lastError) : null,
      c.origin === 'mail' && c.draftId == null
        ? (c.byColleague
          ? h('span', { class: 'badge found colleague', 'data-testid': 'case-item-colleague', title: 'Found in the team’s shared mailbox; no draft of yours waited for it' }, 'filed by someone else')
          : h('span', { class: 'badge found' }, 'found in your e-mail'))
        : null,
      c.cjAccount ? h('span', { class: 'badge account', 'data-testid': 'case-item-account' }, cjAccounts.nameOf(c.cjAccount)) : null,
      c.muted ? h('span', { class: 'meta' }, 'muted') : null));
}

function when(a) {
  return a.lastSyncAt ? `checked ${formatWhen(a.lastSyncAt)}` : 'not checked yet';
}

/** One mailbox's line: its name (when there are several), its last pass, its error. */
function accountLine(a, several) {
  const signIn = a.lastErrorCode === CODES.MAIL_SIGN_IN_NEEDED;
  return h('span', { class: 'sync-account', 'data-testid': 'mail-sync-account', dataset: { account: a.id, error: a.lastError ? 'true' : 'false' } },
    several ? `${a.label}: ${when(a)}` : `E-mail: ${when(a)}`,
    a.lastError ? h('span', { class: 'case-error', 'data-testid': 'mail-sync-error', 'data-code': a.lastErrorCode || '', 'data-account': a.id }, ` — ${a.lastError}`) : null,
    signIn ? h('button', { type: 'button', class: 'badge-action', 'data-testid': 'mail-sign-in-again', onclick: () => hooks.openSettings('mail', a.id) }, 'Sign in again') : null);
}

async function refreshSyncState() {
  // The mailboxes' part of what the sources show (the only source that shows a state today).
  const st = (await api.followState()).mail ?? { enabled: false, accounts: [], counts: { counted: 0, ignored: 0 } };
  el.syncState.hidden = !st.enabled && !st.counts.counted;
  const on = st.accounts.filter((a) => a.enabled);
  const counts = [`${st.counts.counted} from support, ${st.counts.ignored} ignored`];
  if (st.counts.tooLarge) counts.push(`${st.counts.tooLarge} too large to read`);
  const lines = on.map((a) => accountLine(a, on.length > 1));
  replace(el.syncState, ...lines.flatMap((l, i) => (i ? [' · ', l] : [l])), ` · ${counts.join(' · ')}`);
  el.syncState.dataset.error = on.some((a) => a.lastError) ? 'true' : 'false';
  el.syncState.dataset.signIn = on.some((a) => a.lastErrorCode === CODES.MAIL_SIGN_IN_NEEDED) ? 'needed' : '';
}

/** An outbox line: waiting (sent when the server answers), or refused and waiting for the user. */
function outboxItem(o) {
  const attempts = `${o.attempts} attempt${o.attempts === 1 ? '' : 's'}`;
  const act = (label, testid, run) => h('button', { type: 'button', 'data-testid': testid, onclick: async () => {
    try { await run(o.id); await refresh(); hooks.onOutboxChanged(); } catch (err) { hooks.toast(err.message); }
  } }, label);
  return h('li', { 'data-testid': 'outbox-item', dataset: { draftId: String(o.draftId), state: o.state } },
    h('span', { class: 'subject' }, o.subject || '(no subject)'),
    o.state === 'attention'
      ? [h('span', { class: 'case-error', 'data-testid': 'outbox-attention' }, ` — needs attention: ${o.lastError || 'refused'} (${attempts})`),
        h('span', { class: 'row' },
          act('Edit', 'outbox-edit', api.takeBackOutbox),
          act('Retry', 'outbox-retry', async (id) => { await api.retryOutbox(id); await api.checkNow(); }),
          act('Discard', 'outbox-discard', api.discardOutbox))]
      : h('span', { class: 'meta' }, ` — waiting: ${o.lastError || 'not sent yet'} (${attempts})`));
}

export async function refresh() {
  try {
    // The list is drawn when the Cases view is shown (it refreshes then), not behind the drafts.
    const listing = el.view.hidden ? null : casePages.refresh();
    const [, outbox] = await Promise.all([listing, api.listOutbox(), refreshSyncState()]);
    replace(el.outbox, outbox.map(outboxItem));
    el.outboxSection.hidden = outbox.length === 0;
    el.outboxCount.hidden = outbox.length === 0;
    el.outboxCount.textContent = String(outbox.length);
    if (currentCase && !el.page.hidden) await openCase(currentCase, { quiet: true });
  } catch (err) {
    hooks.toast(err.message);
  }
}

export async function openCase(id, { quiet = false } = {}) {
  try {
    const d = await api.openCase(id);
    currentCase = id;
    renderCase(d);
    if (!quiet) hooks.showView('case');
  } catch (err) {
    hooks.toast(err.message);
  }
}

function renderCase(d) {
  const c = d.case;
  el.page.dataset.caseNumber = c.caseNumber;
  el.page.dataset.id = String(c.id);
  el.title.textContent = `Case #${c.caseNumber} — ${c.subject || '(no subject)'}`;
  const account = document.getElementById('case-account');
  account.textContent = d.account ? `For ${d.account}` : '';
  account.hidden = !d.account;
  el.status.textContent = c.status || 'not checked yet';
  el.status.dataset.status = c.status || '';
  el.checked.textContent = c.lastCheckedAt ? `(checked ${formatWhen(c.lastCheckedAt)}${c.watch === 'stopped' ? '; no longer watched' : ''})` : '';
  el.error.textContent = c.lastError || '';
  el.muted.checked = c.muted;
  el.watch.hidden = c.watch !== 'stopped' || !d.canCheck;
  el.checkNow.hidden = !d.canCheck;
  el.open.hidden = !d.url;
  el.picker.hidden = d.statuses.length === 0;
  replace(el.pickerSelect, d.statuses.map((s) => h('option', { value: s, selected: s === c.status }, s)));
  replace(el.history, d.history.map(timelineEntry));
  el.found.hidden = !(c.origin === 'mail' && c.draftId == null);
  // A colleague's case (from the team's shared mailbox): followed like any, or muted, or hidden.
  document.getElementById('case-found-text').textContent = c.byColleague
    ? 'Filed by someone else: found in the team’s shared mailbox, with no draft of yours waiting for it. Follow it here, mute it, or hide it. If you filed it, link it to your draft.'
    : 'Casedesk found this case in your e-mail. Is it one of your drafts?';
  document.getElementById('dismiss-case').textContent = c.byColleague ? 'Hide it' : 'Not mine — dismiss';
  el.unlinkRow.hidden = !(c.origin === 'mail' && c.draftId != null);
  replace(el.linkDraft, d.linkableDrafts.length
    ? d.linkableDrafts.map((x) => h('option', { value: String(x.id) }, x.subject || '(no subject)'))
    : h('option', { value: '' }, 'No drafts to link'));
  replace(el.draft, d.draft
    ? [h('p', {}, h('strong', {}, 'Subject: '), d.draft.subject), h('pre', { class: 'sent-text' }, d.draft.description), d.draft.cc ? h('p', {}, h('strong', {}, 'CC: '), d.draft.cc) : null]
    : h('p', { class: 'help' }, c.byColleague ? 'Filed by someone else; there is no draft of yours.' : c.origin === 'mail' ? 'Found in your e-mail; not tied to a draft.' : 'Added by number; there is no draft.'));
}

const SOURCES = { manual: 'set by hand', poll: 'seen on the server', mail: 'from your e-mail', added: 'recorded' };

function timelineEntry(e) {
  const when = h('time', { datetime: new Date(e.at).toISOString() }, formatDateTime(e.at));
  const from = h('span', { class: 'meta' }, ` · ${SOURCES[e.source] || e.source}`);
  if (e.kind === 'reply') {
    return h('li', { class: 'reply', dataset: { source: e.source, kind: e.kind } },
      when, ' ', h('strong', {}, 'Reply from support'), from,
      h('pre', { class: 'reply-text', 'data-testid': 'case-reply' }, e.body || ''));
  }
  if (e.kind === 'found') {
    return h('li', { dataset: { source: e.source, kind: e.kind } }, when, ' ', 'Case number found in your e-mail', from);
  }
  return h('li', { dataset: { source: e.source, kind: e.kind } }, when, ' ',
    e.oldStatus ? `${e.oldStatus} → ${e.newStatus}` : `${e.newStatus} (first seen)`, from);
}

/** A change from a status source or a status set by hand: refresh the list, and the page if shown. */
export function applyChange(change) {
  const li = el.list.querySelector(`[data-testid="case-item"][data-id="${change.caseId}"]`);
  if (li && change.kind === 'status') {
    li.dataset.status = change.newStatus || '';
    const badge = li.querySelector('.badge.status');
    if (badge) badge.textContent = change.newStatus || '';
  }
  if (!li || change.kind === 'found') refresh();
  if (currentCase === change.caseId && !el.page.hidden) openCase(change.caseId, { quiet: true });
}

function showImport(results) {
  el.importResult.hidden = results.length === 0;
  replace(el.importResult, results.map((r) => h('li', { 'data-testid': 'import-item', dataset: { outcome: r.outcome, caseNumber: r.caseNumber || '' } },
    h('strong', {}, r.file), ': ', r.detail)));
}

/** Imports .eml files (picked in the dialog when `paths` is absent, else dropped). */
export async function importEmails(paths) {
  try {
    const results = paths ? await api.importFilePaths(paths) : await api.importFiles();
    if (!results.length) return;
    showImport(results);
    await refresh();
  } catch (err) {
    showImport([{ file: 'Import', outcome: 'unreadable', detail: err.message }]);
  }
}

function wire() {
  document.getElementById('back-to-cases').addEventListener('click', () => { hooks.showView('cases'); refresh(); });
  document.getElementById('check-all').addEventListener('click', () => api.checkNow());
  el.checkNow.addEventListener('click', () => api.checkNow());
  el.open.addEventListener('click', () => currentCase && api.openCaseInBrowser(currentCase).catch((e) => hooks.toast(e.message)));
  el.muted.addEventListener('change', () => currentCase && api.setCaseMuted(currentCase, el.muted.checked).catch((e) => hooks.toast(e.message)));
  el.watch.addEventListener('click', () => currentCase && api.watchCase(currentCase).then(() => openCase(currentCase, { quiet: true })));
  document.getElementById('set-status').addEventListener('click', async () => {
    if (!currentCase) return;
    try {
      renderCase(await api.setCaseStatus(currentCase, el.pickerSelect.value));
    } catch (err) {
      el.error.textContent = err.message;
    }
  });
  document.getElementById('import-eml').addEventListener('click', () => importEmails(null));
  document.getElementById('link-case').addEventListener('click', async () => {
    const draftId = Number(el.linkDraft.value);
    if (!currentCase || !draftId) return;
    try {
      renderCase(await api.linkCase(currentCase, draftId));
      hooks.onLinked();
    } catch (err) {
      el.error.textContent = err.message;
    }
  });
  document.getElementById('case-unlink').addEventListener('click', async () => {
    if (!currentCase) return;
    try {
      renderCase(await api.unlinkCase(currentCase));
      hooks.onLinked();
      document.getElementById('link-draft').focus();
    } catch (err) {
      el.error.textContent = err.message;
    }
  });
  document.getElementById('dismiss-case').addEventListener('click', async () => {
    if (!currentCase) return;
    try {
      await api.dismissCase(currentCase);
      currentCase = null;
      hooks.showView('cases');
      await refresh();
    } catch (err) {
      el.error.textContent = err.message;
    }
  });
  document.getElementById('add-case').addEventListener('click', async () => {
    const errorEl = document.getElementById('add-case-error');
    errorEl.textContent = '';
    try {
      const c = await api.recordCase(null, document.getElementById('add-case-number').value,
        document.getElementById('add-case-subject').value, document.getElementById('add-case-provider').value);
      document.getElementById('add-case-number').value = '';
      await refresh();
      await openCase(c.id);
    } catch (err) {
      errorEl.textContent = err.message;
    }
  });
}

wire();
