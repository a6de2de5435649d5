// Settings → where cases go: the filer and its form, drawn from the form each filer describes (and
// each source's that describes one; a
// secret typed there goes to the system keyring and never comes back), test connection, poll
// interval, notifications, start at login; and saving the Case e-mail section (mail-settings.js)
// with them.

import { api } from './api.js';
import { h } from './dom.js';
import * as mail from './mail-settings.js';
import * as cjAccounts from './cj-accounts.js';

const $ = (id) => document.getElementById(id);
const errorEl = $('settings-error');
const result = $('connection-result');
let loaded = null;
// The filers' and the sources' forms as last drawn (their descriptions from the shell).
let forms = [];
let hooks = { onSaved() {} };

export function setHooks(h2) {
  hooks = { ...hooks, ...h2 };
}

function showKind() {
  const kind = $('provider-kind').value;
  for (const e of document.querySelectorAll('#filer-forms .filer-form')) e.hidden = e.dataset.filer !== kind;
}

/** The page's id for a form input (`rt_url` → `rt-url`). */
const elementId = (input) => input.id.replaceAll('_', '-');

/** One form's inputs, each with its label, filled with the values kept in its slice. */
function formInputs(f, s, stored) {
  const values = slice(s.preferences, f.slice);
  return f.inputs.flatMap((input) => [h('label', { for: elementId(input) }, input.label), inputFor(input, values, stored)]);
}

/** Draws every filer's form (the one in use shown) and every source's that describes one, each from
 * its description. */
function drawForms(s) {
  const sourceForms = s.sourceForms || [];
  forms = [...s.filers, ...sourceForms];
  const stored = new Set(s.storedSecrets);
  $('provider-kind').replaceChildren(...s.filers.map((f) => h('option', { value: f.kind }, f.title)));
  $('filer-forms').replaceChildren(...s.filers.map((f) =>
    h('div', { class: 'filer-form', dataset: { filer: f.kind } }, ...formInputs(f, s, stored))));
  $('source-forms').replaceChildren(...sourceForms.map((f) =>
    h('div', { class: 'filer-form source-form', dataset: { source: f.kind } },
      h('h4', { class: 'source-form-title' }, f.title), ...formInputs(f, s, stored))));
}

function inputFor(input, values, stored) {
  const attrs = { id: elementId(input), 'data-testid': elementId(input), maxlength: input.maxLen };
  const kind = input.kind;
  if (kind.type === 'lines') {
    return h('textarea', { ...attrs, rows: 4, value: (values[kind.key] ?? []).join('\n') });
  }
  if (kind.type === 'secret') {
    const placeholder = stored.has(input.id) ? 'Stored in the system keyring (type to replace)' : input.placeholder;
    return h('input', { ...attrs, type: 'password', autocomplete: 'off', placeholder });
  }
  return h('input', { ...attrs, type: 'text', placeholder: input.placeholder, value: values[kind.key] ?? '' });
}

export async function load() {
  try {
    const s = await api.getSettings();
    loaded = s.preferences;
    const p = s.preferences;
    // Each filer's settings are its slice (the shell fills in the defaults of any not kept yet).
    drawForms(s);
    $('provider-kind').value = p.filerKind;
    $('poll-interval').value = String(p.pollIntervalSecs);
    $('notifications').checked = p.notifications;
    $('start-at-login').checked = p.startAtLogin;
    mail.fill(s);
    cjAccounts.fill(s);
    showKind();
    return s;
  } catch (err) {
    errorEl.textContent = err.message;
    return null;
  }
}

/** Shows this mailbox in the Case e-mail section. */
export function pickMailAccount(id) {
  mail.pickAccount(id);
}

/** The settings kept in a filer's slice ({} when there is none). */
function slice(p, key) {
  return p.slices?.[key]?.settings ?? {};
}

/** The slice `key` of the loaded preferences with `settings` written over what it had. */
function withSlice(slices, key, settings) {
  const old = slices[key] ?? { version: 1, settings: {} };
  return { ...slices, [key]: { version: old.version, settings: { ...old.settings, ...settings } } };
}

function collect() {
  let slices = { ...(loaded?.slices ?? {}) };
  for (const f of forms) {
    const settings = {};
    for (const input of f.inputs) {
      const value = $(elementId(input)).value;
      if (input.kind.type === 'text') settings[input.kind.key] = value.trim();
      if (input.kind.type === 'lines') settings[input.kind.key] = value.split('\n').map((s) => s.trim()).filter(Boolean);
    }
    slices = withSlice(slices, f.slice, settings);
  }
  slices = mail.intoSlices(slices);
  return {
    ...(loaded || {}),
    filerKind: $('provider-kind').value,
    slices,
    pollIntervalSecs: Number($('poll-interval').value) || 0,
    notifications: $('notifications').checked,
    startAtLogin: $('start-at-login').checked,
    ...cjAccounts.collect(),
  };
}

/** The secrets typed in the filers' and sources' forms, by input id (none typed keeps the stored ones). */
function typedSecrets() {
  const out = {};
  for (const f of forms) {
    for (const input of f.inputs) {
      const value = input.kind.type === 'secret' ? $(elementId(input)).value.trim() : '';
      if (value !== '') out[input.id] = value;
    }
  }
  return out;
}

/** Marks the input an error names (its message is shown above the form). */
function markInvalid(field) {
  for (const e of document.querySelectorAll('.filer-forms [aria-invalid]')) e.removeAttribute('aria-invalid');
  const input = field ? document.getElementById(elementId({ id: String(field) })) : null;
  if (input && input.closest('.filer-forms')) input.setAttribute('aria-invalid', 'true');
}

function wire() {
  $('provider-kind').addEventListener('change', showKind);
  const save = async (resultEl) => {
    errorEl.textContent = '';
    $('cj-accounts-error').textContent = '';
    result.textContent = '';
    try {
      await api.saveSettings(collect(), { formSecrets: typedSecrets(), sourceSecrets: mail.sourceSecrets() });
      markInvalid(null);
      await load();
      resultEl.textContent = 'Saved.';
      resultEl.dataset.ok = 'true';
      hooks.onSaved();
    } catch (err) {
      if (String(err.field || '').startsWith('mail_')) {
        mail.showError(err);
      } else if (String(err.field || '').startsWith('cj_account')) {
        cjAccounts.showError(err);
      } else {
        errorEl.textContent = err.message;
        errorEl.dataset.code = err.code;
        markInvalid(err.field);
      }
    }
  };
  $('save-settings').addEventListener('click', () => save(result));
  $('mail-save').addEventListener('click', () => save($('mail-result')));
  mail.wireSignIn({ save: () => save($('mail-result')) });
  $('test-connection').addEventListener('click', async () => {
    result.textContent = 'Testing…';
    delete result.dataset.ok;
    try {
      result.textContent = await api.testConnection(collect(), typedSecrets());
      result.dataset.ok = 'true';
    } catch (err) {
      result.textContent = err.message;
      result.dataset.ok = 'false';
      result.dataset.code = err.code;
    }
  });
}

wire();
