// The draft editor: fields, live checks beside them, readiness, and autosave (attachments are
// attachments.js).
// Autosave: after a short pause, on blur, on Ctrl+S, before switching drafts and before the window closes.
// A failed save never clears a field: the text stays in the window and the save is retried.

import { api } from './api.js';
import { CODES } from './codes.js';
import { h, replace, byTestId, formatCount, debounce } from './dom.js';
import * as secrets from './secrets.js';
import * as suggestion from './suggestion.js';
import * as attachments from './attachments.js';
import * as cjAccounts from './cj-accounts.js';
import { choicesFor } from './catalogue.js';

const SAVE_PAUSE_MS = 600;
const CHECK_PAUSE_MS = 120;
const RETRY_MS = 4000;
const DESCRIPTION_MAX = 32000;
const GOOD_EXAMPLES = [
  'API authentication error on campaign creation',
  'Conversion tag not firing on checkout confirmation page',
  'Commission report showing incorrect order values',
];

const el = {
  form: document.getElementById('editor'),
  subject: document.getElementById('subject'),
  description: document.getElementById('description'),
  reason: document.getElementById('case-reason'),
  subReason: document.getElementById('sub-reason'),
  cc: document.getElementById('cc'),
  saveState: document.getElementById('save-state'),
  readiness: document.getElementById('readiness'),
  hints: document.getElementById('subject-hints'),
  checklist: document.getElementById('description-checklist'),
  duplicate: document.getElementById('duplicate-warning'),
  count: document.getElementById('description-count'),
};

const FIELD_ERROR = {
  subject: byTestId('subject-error'),
  description: byTestId('description-error'),
  reason: byTestId('reason-error'),
  sub_reason: byTestId('sub-reason-error'),
  cc: byTestId('cc-error'),
};
const FIELD_INPUT = { subject: el.subject, description: el.description, reason: el.reason, sub_reason: el.subReason, cc: el.cc };

let current = null; // {id}
let reasons = [];
let dirty = false;
let ready = false; // the shown draft's readiness, from the last check
let saving = null;
let retryTimer = null;
let hooks = { onSaved() {}, onOpenDraft() {}, toast() {} };

/** Saves refused for these reasons never succeed by retrying: the draft is locked instead. */
const FINAL = new Set([CODES.DRAFT_SUBMITTED, CODES.DRAFT_IN_OUTBOX, CODES.ALREADY_FILED, CODES.NOT_FOUND]);

/** Read-only while the draft waits in the outbox (it is sent exactly as it is), with the reason shown. */
function setLocked(reason) {
  const locked = reason != null;
  for (const f of [el.subject, el.description, el.cc]) f.readOnly = locked;
  el.reason.disabled = locked;
  if (locked) el.subReason.disabled = true;
  for (const b of el.form.querySelectorAll('.toolbar button, #add-files, #save-now, #delete-draft')) b.disabled = locked;
  // Submit also waits for the draft to be ready (renderCheck keeps `ready`).
  document.getElementById('submit').disabled = locked || !ready;
  const notice = document.getElementById('draft-locked');
  notice.hidden = !locked;
  notice.textContent = reason || '';
  if (current) current.locked = locked;
}

/**
 * Read-only while `id` is being sent, so what is stored is what went out (the core refuses edits
 * then too). Returns the release, which unlocks only if the same draft is still shown as held.
 */
export function holdWhileSending(id) {
  if (!current || current.id !== id || current.locked) return () => {};
  const held = current;
  setLocked('Sending… The draft can be edited again if the server refuses it.');
  return () => {
    if (current === held) setLocked(null);
  };
}

export function setHooks(h2) {
  hooks = { ...hooks, ...h2 };
}

export { input as currentInput };

export function currentId() {
  return current ? current.id : null;
}

export function setReasons(list) {
  reasons = list;
  if (current) {
    const keep = { reasonId: selectedId(el.reason), subReasonId: selectedId(el.subReason) };
    fillReasons(keep.reasonId, keep.subReasonId);
  }
}

function selectedId(select) {
  const v = select.value;
  return v === '' ? null : Number(v);
}

function input() {
  return {
    subject: el.subject.value,
    description: el.description.value,
    reasonId: selectedId(el.reason),
    subReasonId: selectedId(el.subReason),
    cc: el.cc.value,
    cjAccount: cjAccounts.draftAccount(),
  };
}

/** The reasons offered: the list of the draft's kind of CJ account, with its current choice kept. */
let offered = [];

function fillReasons(reasonId, subReasonId) {
  offered = choicesFor(reasons, cjAccounts.draftKind(), reasonId, subReasonId);
  replace(
    el.reason,
    h('option', { value: '' }, 'Choose a reason…'),
    offered.map((r) => h('option', { value: String(r.id), selected: r.id === reasonId }, r.name)),
  );
  el.reason.value = reasonId == null ? '' : String(reasonId);
  fillSubReasons(subReasonId);
}

function fillSubReasons(subReasonId) {
  const reason = offered.find((r) => r.id === selectedId(el.reason));
  const subs = reason ? reason.subReasons : [];
  replace(
    el.subReason,
    h('option', { value: '' }, subs.length ? 'Choose a sub reason…' : reason ? 'No sub reasons' : 'Choose a reason first'),
    subs.map((s) => h('option', { value: String(s.id) }, s.name)),
  );
  el.subReason.disabled = subs.length === 0;
  el.subReason.value = subReasonId != null && subs.some((s) => s.id === subReasonId) ? String(subReasonId) : '';
}

function setSaveState(state, text) {
  el.saveState.dataset.state = state;
  el.saveState.textContent = text;
}

/** Shows a draft in the editor. The previous one is saved first. */
export async function open(view) {
  await flush();
  current = { id: view.draft.id };
  dirty = false;
  clearTimeout(retryTimer);
  el.subject.value = view.draft.subject;
  el.description.value = view.draft.description;
  el.cc.value = view.draft.cc;
  cjAccounts.setDraftAccount(view.draft.cjAccount);
  fillReasons(view.draft.reasonId, view.draft.subReasonId);
  attachments.render(view.attachments);
  attachments.clearError();
  renderCheck(view.check);
  setSaveState('saved', view.locked ? 'In the Outbox' : 'Saved');
  setLocked(view.locked);
  document.getElementById('empty-state').hidden = true;
  el.form.hidden = false;
}

function useSuggestion(s) {
  if (selectedId(el.reason) == null) {
    el.reason.value = String(s.reasonId);
    fillSubReasons(s.subReasonId);
  } else if (selectedId(el.subReason) == null && s.subReasonId != null) {
    el.subReason.value = String(s.subReasonId);
  }
  markDirty();
  el.reason.focus();
}

export function close() {
  secrets.clear();
  suggestion.clear();
  current = null;
  dirty = false;
  el.form.hidden = true;
  document.getElementById('empty-state').hidden = false;
}

export function focusSubject() {
  el.subject.focus();
}

/** The description's length against CJ's limit, live as the user types. */
function updateCount() {
  const n = el.description.value.length;
  el.count.textContent = `${formatCount(n)} / ${formatCount(DESCRIPTION_MAX)}`;
  el.count.classList.toggle('over', n > DESCRIPTION_MAX);
}

function markDirty() {
  if (!current) return;
  updateCount();
  dirty = true;
  setSaveState('dirty', 'Unsaved changes');
  scheduleSave();
  scheduleCheck();
}

const scheduleSave = debounce(() => saveNow(), SAVE_PAUSE_MS);
// Another account: its kind's list is offered, and the check says whether the reason is in it.
cjAccounts.onDraftAccountPicked(() => {
  fillReasons(selectedId(el.reason), selectedId(el.subReason));
  markDirty();
});
const scheduleCheck = debounce(async () => {
  if (!current) return;
  const id = current.id;
  try {
    const check = await api.checkDraft(id, input(), secrets.known());
    if (current && current.id === id) renderCheck(check);
  } catch (err) {
    showError(err);
  }
}, CHECK_PAUSE_MS);

/** Saves now if anything changed. Resolves once the latest text is committed (or the save failed). */
export async function saveNow() {
  if (saving) await saving;
  if (!current || !dirty || current.locked) return;
  clearTimeout(retryTimer);
  dirty = false;
  const id = current.id;
  const sent = input();
  setSaveState('saving', 'Saving…');
  saving = api
    .saveDraft(id, sent)
    .then((out) => {
      if (!current || current.id !== id) return;
      renderCheck(out.check);
      if (!dirty) setSaveState('saved', 'Saved');
      hooks.onSaved({ id, subject: sent.subject, updatedAt: out.saved.updatedAt, ready: out.check.ready, reasonId: sent.reasonId });
    })
    .catch((err) => {
      dirty = true;
      setSaveState('error', `Not saved: ${err.message}`);
      showError(err);
      // A full or read-only disk may clear; a draft that was sent or waits in the outbox will not.
      if (FINAL.has(err.code)) {
        dirty = false;
        setLocked(err.message);
      } else {
        retryTimer = setTimeout(() => saveNow(), RETRY_MS);
      }
    })
    .finally(() => {
      saving = null;
    });
  await saving;
  if (dirty && el.saveState.dataset.state !== 'error') await saveNow();
}

export async function flush() {
  scheduleSave.cancel();
  await saveNow();
}

function showError(err) {
  const target = err.field && FIELD_ERROR[err.field];
  if (target) {
    target.textContent = err.message;
    target.dataset.code = err.code;
  } else {
    hooks.toast(err.message);
  }
}

/** A redaction's result: the fields as redacted and saved, the attachments, the checks. */
export function applyRedaction(out) {
  if (!current) return;
  el.subject.value = out.input.subject;
  el.description.value = out.input.description;
  attachments.render(out.attachments);
  renderCheck(out.outcome.check);
  setSaveState('saved', 'Saved');
  hooks.onSaved({ id: current.id, subject: out.input.subject, updatedAt: out.outcome.saved.updatedAt, ready: out.outcome.check.ready, reasonId: selectedId(el.reason) });
}

function renderCheck(check) {
  secrets.render(check.secrets, check.secretsKey);
  // Only a full check (one that scanned for secrets, changed or not) looked for a suggestion.
  suggestion.render(check.secretsKey ? check.suggestion : undefined,
    { reasonId: selectedId(el.reason), subReasonId: selectedId(el.subReason) }, useSuggestion);
  const problemsBy = {};
  for (const p of check.problems) (problemsBy[p.field] ||= []).push(p);
  for (const [field, box] of Object.entries(FIELD_ERROR)) {
    const p = (problemsBy[field] || [])[0];
    const inputEl = FIELD_INPUT[field];
    // Inline only when what is in the field breaks a rule. An empty required field is listed in the
    // readiness panel instead: showing it on blur would shift the layout under the user's next click.
    const hasValue = inputEl && inputEl.value && inputEl.value.trim() !== '';
    const show = p && hasValue;
    box.textContent = show ? p.message : '';
    if (show) box.dataset.code = p.code;
    else delete box.dataset.code;
    if (inputEl) inputEl.setAttribute('aria-invalid', show ? 'true' : 'false');
  }

  replace(el.hints);
  if (check.subjectFindings.length) {
    el.hints.append(
      h('ul', { class: 'findings', 'aria-label': 'Subject advice' },
        check.subjectFindings.map((f) => h('li', { dataset: { code: f.code } }, f.message))),
      h('div', { class: 'examples' }, h('span', {}, "CJ's good examples: "),
        h('ul', {}, GOOD_EXAMPLES.map((g) => h('li', {}, g)))),
    );
  }

  replace(el.checklist, check.checklist.map((i) =>
    h('li', { dataset: { code: i.code, met: String(i.met) }, class: i.met ? 'met' : 'missing' },
      h('span', { class: 'mark', 'aria-hidden': 'true' }),
      h('span', { class: 'visually-hidden' }, i.met ? 'Covered: ' : 'Missing: '),
      i.label)));

  if (check.duplicateOf) {
    const d = check.duplicateOf;
    replace(el.duplicate, 'Another draft has a similar subject: ',
      h('button', { type: 'button', class: 'link', onclick: () => hooks.onOpenDraft(d.id) }, d.subject || '(no subject)'),
      '. Is this the same problem?');
    el.duplicate.dataset.draftId = String(d.id);
    el.duplicate.hidden = false;
  } else {
    replace(el.duplicate);
    el.duplicate.hidden = true;
  }

  updateCount();

  el.readiness.dataset.ready = String(check.ready);
  ready = check.ready;
  const submitBtn = document.getElementById('submit');
  submitBtn.disabled = !check.ready || Boolean(current && current.locked);
  submitBtn.title = check.ready ? 'Send this case (or file it in CJ\'s form)' : 'Fill in what the readiness panel lists first';
  const advice = check.subjectFindings.length + check.checklist.filter((i) => !i.met).length;
  replace(el.readiness,
    h('h2', {}, check.ready ? 'Ready to submit' : 'Not ready yet'),
    check.ready
      ? h('p', {}, 'Every required field is filled in.')
      : h('ul', { class: 'problems' }, check.problems.map((p) =>
        h('li', { dataset: { code: p.code, field: p.field } },
          h('button', { type: 'button', class: 'link', onclick: () => focusField(p.field) }, p.message)))),
    advice ? h('p', { class: 'advice' }, `${advice} suggestion${advice === 1 ? '' : 's'} from CJ's guidance (they never block).`) : null,
  );
}

function focusField(field) {
  const f = FIELD_INPUT[field];
  if (f) f.focus();
}

async function insertAtCursor(text) {
  const ta = el.description;
  const start = ta.selectionStart ?? ta.value.length;
  const before = ta.value.slice(0, start);
  const sep = before && !before.endsWith('\n\n') ? (before.endsWith('\n') ? '\n' : '\n\n') : '';
  ta.setRangeText(sep + text, start, ta.selectionEnd ?? start, 'end');
  ta.focus();
  markDirty();
}

function wire() {
  for (const f of [el.subject, el.description, el.cc]) {
    f.addEventListener('input', markDirty);
    f.addEventListener('blur', () => flush());
  }
  el.reason.addEventListener('change', () => {
    fillSubReasons(null);
    markDirty();
  });
  el.subReason.addEventListener('change', () => {
    markDirty();
  });
  el.form.addEventListener('submit', (e) => e.preventDefault());
  document.getElementById('save-now').addEventListener('click', flush);
  document.getElementById('insert-template').addEventListener('click', async () => {
    try {
      insertAtCursor(await api.descriptionTemplate(selectedId(el.reason)));
    } catch (err) {
      showError(err);
    }
  });
  document.getElementById('insert-sysinfo').addEventListener('click', async () => {
    try {
      insertAtCursor(await api.systemInfo());
    } catch (err) {
      showError(err);
    }
  });
}

wire();

// The attachments list acts on the shown draft, as long as it stays shown.
attachments.init({ currentId: () => (current ? current.id : null) });
export const { addFiles, pastePicture, captureScreen, dropFiles, picturesNotReviewed } = attachments;
