// Submitting a ready draft: through a filer that sends cases (RT), or, for CJ's web form, a panel that
// opens the form, copies each field, shows the attachments, and records the case number CJ gives — or,
// with "I've submitted it", lets the confirmation e-mail bring the number.

import { api } from './api.js';
import { h, replace } from './dom.js';

const dialog = document.getElementById('submit-dialog');
const fieldsEl = document.getElementById('copy-fields');
const numberEl = document.getElementById('case-number');
const numberError = document.getElementById('case-number-error');
let draftId = null;
let formatted = '';
let hooks = { toast() {}, flush: async () => {}, confirmSecrets: async () => true, hold: () => () => {}, onCase() {}, onQueued() {}, onMarked() {} };

export function setHooks(h2) {
  hooks = { ...hooks, ...h2 };
}

async function copy(text, what) {
  try {
    await api.copyText(text);
    hooks.toast(`${what} copied.`);
  } catch (err) {
    hooks.toast(err.message);
  }
}

const submitButton = document.getElementById('submit');
let running = false;

/**
 * Starts submitting the draft shown in the editor. One at a time: a second click is ignored, and
 * while the draft is sent the editor is read-only, its Submit button included (the editor owns that
 * state: after a queued send the draft stays locked in the Outbox).
 */
export async function submit(id) {
  if (running) return;
  running = true;
  submitButton.setAttribute('aria-busy', 'true');
  try {
    await submitNow(id);
  } finally {
    running = false;
    submitButton.removeAttribute('aria-busy');
  }
}

async function submitNow(id) {
  await hooks.flush();
  // Possible secrets left: a step the user can dismiss, never a silent block.
  if (!(await hooks.confirmSecrets(id))) return;
  draftId = id;
  try {
    const settings = await api.getSettings();
    if (settings.capabilities.submit) {
      const release = hooks.hold(id);
      let out;
      try {
        out = await api.submitDraft(id);
      } finally {
        release();
      }
      if (out.outcome === 'sent') {
        hooks.toast(`Sent: case #${out.case.caseNumber}.`);
        hooks.onCase(out.case);
      } else {
        hooks.toast(`Not sent yet: ${out.item.lastError}. The draft waits in the Outbox and is sent when the server answers.`);
        hooks.onQueued(out.item);
      }
      return;
    }
    const view = await api.handFiling(id);
    formatted = view.formatted;
    const filingFor = document.getElementById('filing-for');
    filingFor.textContent = view.filingFor ? `You are filing for ${view.filingFor}: be logged in to CJ as this account.` : '';
    filingFor.hidden = !view.filingFor;
    replace(fieldsEl, view.fields.map((f) => h('li', { class: 'copy-row' },
      h('span', { class: 'label' }, f.label),
      h('span', { class: 'value' }, f.value || '—'),
      h('button', { type: 'button', 'data-testid': 'copy-field', dataset: { field: f.label }, 'aria-label': `Copy ${f.label}`, onclick: () => copy(f.value, f.label) }, 'Copy'))));
    document.getElementById('attachment-note').textContent = view.attachmentCount
      ? `${view.attachmentCount} file${view.attachmentCount === 1 ? '' : 's'} to attach in CJ's form.` : 'No files to attach.';
    numberEl.value = '';
    numberError.textContent = '';
    const note = document.getElementById('mark-submitted-note');
    note.textContent = view.awaitingNumber ? 'Marked: Casedesk is waiting for CJ\'s confirmation e-mail.' : '';
    document.getElementById('mark-submitted-help').textContent = view.findsCases
      ? 'Or, once you have submitted it, let CJ\'s confirmation e-mail bring the number:'
      : 'Or mark it submitted now (turn on Settings → Case e-mail so the number is read from CJ\'s confirmation):';
    dialog.showModal();
  } catch (err) {
    hooks.toast(err.message);
  }
}

function wire() {
  document.getElementById('close-submit').addEventListener('click', () => dialog.close());
  document.getElementById('open-cj-form').addEventListener('click', () => api.openFilingForm().catch((e) => hooks.toast(e.message)));
  document.getElementById('copy-all').addEventListener('click', () => copy(formatted, 'The whole case'));
  document.getElementById('show-attachments').addEventListener('click', async () => {
    try {
      const dir = await api.showAttachments(draftId);
      document.getElementById('attachment-note').textContent = `Files are in ${dir}`;
    } catch (err) {
      hooks.toast(err.message);
    }
  });
  const record = async () => {
    numberError.textContent = '';
    try {
      const c = await api.recordCase(draftId, numberEl.value, null, null);
      dialog.close();
      hooks.toast(`Recorded case #${c.caseNumber}.`);
      hooks.onCase(c);
    } catch (err) {
      numberError.textContent = err.message;
      numberError.dataset.code = err.code;
    }
  };
  document.getElementById('record-case').addEventListener('click', record);
  document.getElementById('mark-submitted').addEventListener('click', async () => {
    numberError.textContent = '';
    try {
      await api.markSubmitted(draftId);
      document.getElementById('mark-submitted-note').textContent = 'Marked: Casedesk is waiting for CJ\'s confirmation e-mail.';
      dialog.close();
      hooks.toast('Waiting for CJ\'s confirmation e-mail with the case number.');
      hooks.onMarked(draftId);
    } catch (err) {
      numberError.textContent = err.message;
      numberError.dataset.code = err.code;
    }
  });
  numberEl.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); record(); } });
}

wire();
