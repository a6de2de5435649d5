// Settings → where cases go: the filer and its fields (the RT token goes to the system keyring and
// never comes back), test connection, poll interval, notifications, start at login; and saving the
// Case e-mail section (mail-settings.js) with them.

import { api } from './api.js';
import * as mail from './mail-settings.js';
import * as cjAccounts from './cj-accounts.js';

const $ = (id) => document.getElementById(id);
const errorEl = $('settings-error');
const result = $('connection-result');
let loaded = null;
let hooks = { onSaved() {} };

export function setHooks(h2) {
  hooks = { ...hooks, ...h2 };
}

function showKind() {
  const rt = $('provider-kind').value === 'rt';
  for (const e of document.querySelectorAll('.rt-only')) e.hidden = !rt;
  for (const e of document.querySelectorAll('.cj-only')) e.hidden = rt;
}

export async function load() {
  try {
    const s = await api.getSettings();
    loaded = s.preferences;
    const p = s.preferences;
    // Each filer's settings are its slice (the shell fills in the defaults of any not kept yet).
    const rt = slice(p, 'rt');
    const form = slice(p, 'cj-web');
    $('provider-kind').value = p.filerKind;
    $('rt-url').value = rt.baseUrl ?? '';
    $('rt-queue').value = rt.queue ?? '';
    $('rt-token').value = '';
    $('rt-token').placeholder = s.hasRtToken ? 'Stored in the system keyring (type to replace)' : 'Paste your RT auth token';
    $('rt-reason-field').value = rt.reasonField ?? '';
    $('rt-sub-reason-field').value = rt.subReasonField ?? '';
    $('rt-token-field').value = rt.tokenField ?? '';
    $('cj-form-url').value = form.formUrl ?? '';
    $('cj-statuses').value = (form.statuses ?? []).join('\n');
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
  slices = withSlice(slices, 'rt', {
    baseUrl: $('rt-url').value.trim(),
    queue: $('rt-queue').value.trim(),
    reasonField: $('rt-reason-field').value.trim(),
    subReasonField: $('rt-sub-reason-field').value.trim(),
    tokenField: $('rt-token-field').value.trim(),
  });
  slices = withSlice(slices, 'cj-web', {
    formUrl: $('cj-form-url').value.trim(),
    statuses: $('cj-statuses').value.split('\n').map((s) => s.trim()).filter(Boolean),
  });
  return {
    ...(loaded || {}),
    filerKind: $('provider-kind').value,
    slices,
    pollIntervalSecs: Number($('poll-interval').value) || 0,
    notifications: $('notifications').checked,
    startAtLogin: $('start-at-login').checked,
    mailAccounts: mail.collect(),
    ...cjAccounts.collect(),
  };
}

function token() {
  const t = $('rt-token').value.trim();
  return t === '' ? null : t;
}

function wire() {
  $('provider-kind').addEventListener('change', showKind);
  const save = async (resultEl) => {
    errorEl.textContent = '';
    $('cj-accounts-error').textContent = '';
    result.textContent = '';
    try {
      await api.saveSettings(collect(), { rtToken: token(), mailPasswords: mail.passwords() });
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
      result.textContent = await api.testConnection(collect(), token());
      result.dataset.ok = 'true';
    } catch (err) {
      result.textContent = err.message;
      result.dataset.ok = 'false';
      result.dataset.code = err.code;
    }
  });
}

wire();
