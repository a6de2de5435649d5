// Start-up, the drafts list and search, keyboard shortcuts, delete with undo, and the toast.

import { api, FIRST_PAGE } from './api.js';
import { OS, isShortcut, applyToDocument } from './platform.js';
import { h, replace, snippetNodes, formatWhen, debounce, pagedList } from './dom.js';
import * as editor from './editor.js';
import * as reasons from './reasons.js';
import * as cases from './cases.js';
import * as submit from './submit.js';
import * as secrets from './secrets.js';
import * as exporter from './export.js';
import * as settings from './settings.js';
import * as cjAccounts from './cj-accounts.js';

const listEl = document.getElementById('draft-list');
const searchEl = document.getElementById('search');
const toastEl = document.getElementById('toast');
let reasonNames = new Map();
let toastTimer = null;

export function toast(message, action) {
  clearTimeout(toastTimer);
  replace(toastEl, h('span', {}, message), action
    ? h('button', { type: 'button', 'data-testid': action.testid, onclick: () => { toastEl.hidden = true; action.run(); } }, action.label)
    : null);
  toastEl.hidden = false;
  // It stays while the keyboard is on its button (a keyboard user may take longer to reach Undo).
  const hide = () => {
    if (toastEl.contains(document.activeElement)) { toastTimer = setTimeout(hide, 2000); return; }
    toastEl.hidden = true;
  };
  toastTimer = setTimeout(hide, action ? 10000 : 6000);
}

function showBanner(err) {
  const b = document.getElementById('banner');
  b.textContent = err.message;
  b.dataset.code = err.code;
  b.hidden = false;
}

function itemFor(d, snippet) {
  const selected = d.id === editor.currentId();
  return h('li', { 'data-testid': 'draft-item', dataset: { id: String(d.id), ready: String(d.ready) }, class: selected ? 'selected' : '' },
    h('button', { type: 'button', class: 'draft-open', 'aria-current': selected ? 'true' : null, onclick: () => openDraft(d.id) },
      h('span', { class: 'subject' }, d.subject.trim() || '(no subject)'),
      h('span', { class: 'meta' },
        h('span', { class: 'reason' }, d.reason || 'No reason yet'),
        ' · ',
        h('time', { datetime: new Date(d.updatedAt).toISOString() }, formatWhen(d.updatedAt))),
      snippet ? h('span', { class: 'snippet' }, snippetNodes(snippet)) : null,
      d.awaitingNumber ? h('span', { class: 'badge awaiting', 'data-testid': 'awaiting-number' }, 'Filed — waiting for its number')
        : d.ready ? h('span', { class: 'badge ready' }, 'Ready') : null));
}

const draftPages = pagedList({
  listEl,
  testid: 'drafts',
  fetch: async (limit, after) => {
    const rows = await api.listDrafts(limit, after, cjAccounts.filterAccount());
    if (!marks.fetched) mark('fetched');
    return rows;
  },
  render: (d) => itemFor(d),
  cursorOf: (d) => ({ at: d.updatedAt, id: d.id }),
  empty: () => h('li', { class: 'none' }, 'No drafts yet.'),
});

const caseHitsEl = document.getElementById('search-cases');
const caseHitsTitle = document.getElementById('search-cases-title');

/** The Cases group of a search (newest first; `null` hides it). Server text is shown as text. */
function showCaseHits(hits) {
  const show = Array.isArray(hits) && hits.length > 0;
  caseHitsEl.hidden = !show;
  caseHitsTitle.hidden = !show;
  replace(caseHitsEl, show ? hits.map((hit) => {
    const c = hit.case;
    return h('li', { 'data-testid': 'case-hit', dataset: { id: String(c.id), caseNumber: c.caseNumber, matchedIn: hit.matchedIn } },
      h('button', { type: 'button', class: 'draft-open', onclick: () => cases.openCase(c.id) },
        h('span', { class: 'subject' }, `#${c.caseNumber} — ${c.subject || '(no subject)'}`),
        h('span', { class: 'meta' }, `${c.status || 'no status yet'} · ${hit.matchedIn === 'timeline' ? 'in its timeline' : 'case'}`),
        h('span', { class: 'snippet' }, snippetNodes(hit.snippet))));
  }) : []);
}

export async function refreshList() {
  const q = searchEl.value.trim();
  try {
    if (q) {
      const found = await api.searchEverything(q, cjAccounts.filterAccount());
      const hits = found.drafts;
      replace(listEl, hits.length ? hits.map((hit) => itemFor(hit, hit.snippet)) : h('li', { class: 'none' }, `No draft matches “${q}”.`));
      showCaseHits(found.cases);
    } else {
      showCaseHits(null);
      await draftPages.refresh();
    }
  } catch (err) {
    toast(err.message);
  }
}

async function openDraft(id) {
  try {
    showView('drafts');
    const view = await api.openDraft(id);
    await editor.open(view);
    markSelected(id);
  } catch (err) {
    toast(err.message);
  }
}

function markSelected(id) {
  for (const li of listEl.querySelectorAll('[data-testid="draft-item"]')) {
    const on = Number(li.dataset.id) === id;
    li.classList.toggle('selected', on);
    const b = li.querySelector('button');
    if (on) b.setAttribute('aria-current', 'true'); else b.removeAttribute('aria-current');
  }
}

async function newDraft() {
  try {
    await editor.flush();
    const view = await api.createDraft();
    searchEl.value = '';
    showView('drafts');
    await editor.open(view);
    await refreshList();
    markSelected(view.draft.id);
    editor.focusSubject();
  } catch (err) {
    toast(err.message);
  }
}

async function deleteCurrent() {
  const id = editor.currentId();
  if (id == null) return;
  try {
    await editor.flush();
    await api.trashDraft(id);
    editor.close();
    await refreshList();
    toast('Draft moved to the trash.', { label: 'Undo', testid: 'undo', run: () => undoDelete(id) });
    rescueFocus();
  } catch (err) {
    toast(err.message);
  }
}

async function undoDelete(id) {
  try {
    const view = await api.restoreDraft(id);
    await editor.open(view);
    await refreshList();
    markSelected(id);
    editor.focusSubject();
  } catch (err) {
    toast(err.message);
  }
}

function onSaved(d) {
  const li = listEl.querySelector(`[data-testid="draft-item"][data-id="${d.id}"]`);
  if (!li || searchEl.value.trim()) return;
  const fresh = itemFor({ id: d.id, subject: d.subject, reason: reasonNames.get(d.reasonId) || null, updatedAt: d.updatedAt, ready: d.ready, awaitingNumber: !!li.querySelector('[data-testid="awaiting-number"]') });
  li.replaceWith(fresh);
  if (listEl.firstElementChild !== fresh) listEl.prepend(fresh);
}

/** Shows one view: 'drafts' (list + editor), 'cases' (cases list) or 'case' (one case). */
export function showView(name) {
  const drafts = name === 'drafts';
  document.getElementById('cases-view').hidden = name !== 'cases';
  document.getElementById('case-view').hidden = name !== 'case';
  document.getElementById('editor').hidden = !drafts || editor.currentId() == null;
  document.getElementById('empty-state').hidden = !drafts || editor.currentId() != null;
  document.getElementById('nav-drafts').setAttribute('aria-pressed', String(drafts));
  document.getElementById('nav-cases').setAttribute('aria-pressed', String(!drafts));
  document.body.dataset.view = name;
  setTimeout(rescueFocus, 0);
}

/** Focus that was on something now hidden (a closed dialog's opener, a view that went away) goes to the
 * shown view's heading or first field, never to <body>: a keyboard user keeps their place. */
function rescueFocus() {
  const a = document.activeElement;
  if (a && a !== document.body && !a.closest('[hidden]') && a.getClientRects().length) return;
  if (document.querySelector('dialog[open]')) return;
  const view = document.body.dataset.view;
  const target = view === 'case' ? document.querySelector('#case-view h1')
    : view === 'cases' ? document.querySelector('#cases-view h1')
    : editor.currentId() != null ? document.getElementById('subject')
    : document.querySelector('#empty-state h1');
  if (target) target.focus();
}

async function onCaseFiled(c) {
  editor.close();
  await refreshList();
  await cases.refresh();
  await cases.openCase(c.id);
}

/** A number found in mail tied a draft to its case: the draft leaves the list (it is the record of what
 * was sent now), and its editor closes if it is open. */
async function onNumberFound(change) {
  if (editor.currentId() === change.draftId) {
    editor.close();
    if (document.body.dataset.view === 'drafts') showView('drafts');
  }
  await refreshList();
  toast(`Case #${change.caseNumber} recorded for “${change.subject || '(no subject)'}” from CJ's e-mail.`);
}

function isTextField(t) {
  return t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
}

function wire() {
  // A dialog that closes hands the focus back to its opener; when that is gone, rescue it.
  document.addEventListener('close', () => setTimeout(rescueFocus, 0), true);
  document.getElementById('new-draft').addEventListener('click', newDraft);
  document.getElementById('delete-draft').addEventListener('click', deleteCurrent);
  searchEl.addEventListener('input', debounce(refreshList, 120));
  searchEl.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { searchEl.value = ''; refreshList(); }
  });
  document.addEventListener('keydown', (e) => {
    const ctrl = isShortcut(e, OS);
    if (ctrl && e.key.toLowerCase() === 'n') { e.preventDefault(); newDraft(); }
    else if (ctrl && e.key.toLowerCase() === 'f') { e.preventDefault(); searchEl.focus(); searchEl.select(); }
    else if (ctrl && e.key.toLowerCase() === 's') { e.preventDefault(); editor.flush(); }
    else if (ctrl && (e.key.toLowerCase() === 'w' || e.key.toLowerCase() === 'q')) { e.preventDefault(); api.closeWindow(); }
    else if (e.key === 'Delete' && !isTextField(e.target) && !document.querySelector('dialog[open]')) { e.preventDefault(); deleteCurrent(); }
  });
  const zone = document.getElementById('drop-zone');
  api.onFileDrop((e) => {
    if (e.hover !== undefined) { zone.classList.toggle('dropping', e.hover); return; }
    zone.classList.remove('dropping');
    if (document.body.dataset.view === 'cases') { cases.importEmails(e.paths); return; }
    if (editor.currentId() == null) { toast('Open or create a draft first, then drop files on it.'); return; }
    editor.dropFiles(e.paths);
  });
  api.beforeClose(() => editor.flush(), () => api.keepRunningInTray());
  api.onQuitRequested(() => editor.flush());
  document.getElementById('nav-drafts').addEventListener('click', () => showView('drafts'));
  document.getElementById('nav-cases').addEventListener('click', async () => { await editor.flush(); showView('cases'); cases.refresh(); });
  document.getElementById('submit').addEventListener('click', () => {
    const id = editor.currentId();
    if (id != null) submit.submit(id);
  });
  // Everything the dialog shows is loaded before it opens, so nothing resets a field the user already changed.
  const openSettings = async (section, mailAccount) => {
    await Promise.all([settings.load(), reasons.refresh()]);
    if (mailAccount) settings.pickMailAccount(mailAccount);
    document.getElementById('settings-dialog').showModal();
    if (section === 'mail') document.getElementById('mail-title').scrollIntoView();
  };
  document.getElementById('open-settings').addEventListener('click', () => openSettings());
  // macOS: Casedesk → Settings… (Cmd+,) in the menu bar.
  api.onOpenSettings(() => { if (!document.querySelector('dialog[open]')) openSettings(); });
  cases.setHooks({ toast, showView, onLinked: () => refreshList(), onOutboxChanged: () => refreshList(), openSettings });
  // One account's drafts, cases and search results, or all of them.
  cjAccounts.onFilterPicked(() => { refreshList(); cases.refresh(); });
  submit.setHooks({
    toast,
    flush: () => editor.flush(),
    hold: (id) => editor.holdWhileSending(id),
    onCase: onCaseFiled,
    onQueued: async (item) => { await cases.refresh(); await openDraft(item.draftId); },
    onMarked: () => refreshList(),
    confirmSecrets: (id) => secrets.confirmBeforeSending(id, editor.currentInput()),
  });
  exporter.setHooks({ toast, flush: () => editor.flush() });
  document.getElementById('case-export').addEventListener('click', () => {
    const id = Number(document.getElementById('case-view').dataset.id);
    if (id) exporter.open({ kind: 'case', id });
  });
  document.getElementById('export-draft').addEventListener('click', () => {
    const id = editor.currentId();
    if (id != null) exporter.open({ kind: 'draft', id });
  });
  secrets.setHooks({
    currentId: () => editor.currentId(),
    input: () => editor.currentInput(),
    flush: () => editor.flush(),
    apply: (out) => editor.applyRedaction(out),
    toast,
    picturesNotReviewed: () => editor.picturesNotReviewed(),
  });
  settings.setHooks({ onSaved: () => cases.refresh() });
  api.onStoreProblem(showBanner);
  api.onCaseEvents((e) => {
    if (e.kind !== 'changed') { cases.refresh(); return; }
    cases.applyChange(e.change);
    if (e.change.kind === 'found' && e.change.draftId != null) onNumberFound(e.change);
  });
  window.addEventListener('beforeunload', () => { editor.flush(); });
  editor.setHooks({ onSaved, onOpenDraft: openDraft, toast });
  reasons.setHooks({
    onReasonsChanged(list) {
      reasonNames = new Map(list.map((r) => [r.id, r.name]));
      editor.setReasons(list);
      refreshList();
    },
  });
}

// Start-up milestones (ms since the page began loading, and when that was), sent with the ready report.
const marks = { origin: performance.timeOrigin };
const mark = (name) => { marks[name] = performance.now(); };

// How the page itself loaded: its HTML fetched and parsed (the modules are not in resource timing).
function navigationMarks() {
  const [nav] = performance.getEntriesByType('navigation');
  if (!nav) return;
  marks.htmlEnd = nav.responseEnd;
  marks.domInteractive = nav.domInteractive;
}

async function start() {
  mark('script');
  applyToDocument(document);
  wire();
  // Asked by api.js as soon as it ran, while the other modules were still loading: one round trip.
  const firstScreen = api.startUp();
  marks.asked = firstScreen.asked;
  const reasonList = firstScreen.reasons;
  const firstPage = firstScreen.drafts.then((rows) => { mark('fetched'); return rows; });
  firstPage.catch(() => {});
  const info = await firstScreen.info;
  mark('appInfo');
  if (info.storeError) {
    showBanner(info.storeError);
    api.showWindow().catch(() => {});
    return;
  }
  if (info.preferencesProblem) toast(info.preferencesProblem);
  // The editor's "For CJ account" choices (Settings fills them again after each save).
  api.listCjAccounts().then((v) => cjAccounts.loadSaved({ preferences: v })).catch(() => {});
  try {
    const list = await reasonList;
    reasonNames = new Map(list.map((r) => [r.id, r.name]));
    editor.setReasons(list);
    reasons.setReasons(list);
  } catch (err) {
    toast(err.message);
  }
  mark('reasons');
  try {
    draftPages.draw(await firstPage, FIRST_PAGE);
  } catch (err) {
    toast(err.message);
  }
  mark('list');
  // The window starts hidden and appears with the list drawn. The next animation frame is the first
  // one painted with the list: the start-up benchmark's finish line, as for its empty window.
  // (A hidden window may never get a frame: half a second at most.)
  api.showWindow().catch(() => {});
  await new Promise((resolve) => {
    requestAnimationFrame(resolve);
    setTimeout(resolve, 500);
  });
  mark('shown');
  navigationMarks();
  api.reportReady(marks).catch(() => {});
  const first = listEl.querySelector('[data-testid="draft-item"]');
  if (first) await openDraft(Number(first.dataset.id));
  showView('drafts');
  await cases.refresh();
  document.body.dataset.started = 'true';
}

start().catch((err) => {
  showBanner({ code: 'internal', message: String(err && err.message ? err.message : err) });
  api.showWindow().catch(() => {});
});
