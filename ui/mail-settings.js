// Settings → Case e-mail: the account (the password goes to the system keyring and never comes back),
// folders, support's addresses, how their mails read (a preset of patterns, editable), closing
// statuses, look-back, and "Test connection", which shows what was read from the last three mails.

import { api } from './api.js';
import { h, replace } from './dom.js';

const $ = (id) => document.getElementById(id);
const lines = (id) => $(id).value.split('\n').map((s) => s.trim()).filter(Boolean);
let presets = [];

function presetById(id) {
  return presets.find((p) => p.id === id) || presets[0];
}

/** Fills the section from the settings view. */
export function fill(view) {
  presets = view.mailPresets || [];
  const m = view.preferences.mail;
  replace($('mail-preset'), presets.map((p) => h('option', { value: p.id }, p.label)));
  $('mail-enabled').checked = m.enabled;
  $('mail-host').value = m.host;
  $('mail-port').value = String(m.port);
  $('mail-security').value = m.security;
  $('mail-user').value = m.user;
  $('mail-password').value = '';
  $('mail-password').placeholder = view.hasMailPassword ? 'Stored in the system keyring (type to replace)' : 'An app password, if your provider offers them';
  $('mail-folders').value = m.folders.join('\n');
  $('mail-senders').value = m.senders.join('\n');
  $('mail-preset').value = m.preset;
  const preset = presetById(m.preset);
  $('mail-patterns').value = (m.patterns.length ? m.patterns : preset ? preset.patterns : []).join('\n');
  $('mail-terminal').value = (m.terminalStatuses.length ? m.terminalStatuses : preset ? preset.terminal : []).join('\n');
  $('mail-look-back').value = String(m.lookBackDays);
  replace($('mail-server-folders'));
  replace($('mail-result'));
  $('mail-error').textContent = '';
}

/** The mail settings as typed. Patterns equal to the preset's are stored as "the preset's". */
export function collect() {
  const preset = presetById($('mail-preset').value);
  const patterns = lines('mail-patterns');
  const terminal = lines('mail-terminal');
  const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
  return {
    enabled: $('mail-enabled').checked,
    host: $('mail-host').value.trim(),
    port: Number($('mail-port').value) || 0,
    security: $('mail-security').value,
    user: $('mail-user').value.trim(),
    folders: lines('mail-folders'),
    senders: lines('mail-senders'),
    preset: preset ? preset.id : 'cj',
    patterns: preset && same(patterns, preset.patterns) ? [] : patterns,
    terminalStatuses: preset && same(terminal, preset.terminal) ? [] : terminal,
    lookBackDays: Number($('mail-look-back').value) || 0,
  };
}

export function password() {
  const p = $('mail-password').value;
  return p.trim() === '' ? null : p;
}

/** Shows an error of this section beside its fields. */
export function showError(err) {
  $('mail-error').textContent = err.message;
  $('mail-error').dataset.code = err.code;
  const field = { mail_host: 'mail-host', mail_port: 'mail-port', mail_security: 'mail-security', mail_user: 'mail-user', mail_password: 'mail-password', mail_folders: 'mail-folders', mail_senders: 'mail-senders', mail_patterns: 'mail-patterns', mail_terminal: 'mail-terminal', mail_look_back: 'mail-look-back' }[err.field];
  if (field) $(field).focus();
}

function showReport(r) {
  const readings = r.last.map((x) => h('li', { dataset: { caseNumber: x.caseNumber || '', status: x.status || '' } },
    h('strong', {}, x.detail), ' — ', x.subject || '(no subject)'));
  replace($('mail-result'),
    h('p', { 'data-ok': 'true' }, r.summary, r.idle ? ' New mail arrives within seconds (IDLE).' : ' The server has no IDLE: Casedesk checks at the interval.'),
    readings.length ? h('ul', { class: 'readings' }, readings) : null);
  $('mail-result').dataset.ok = 'true';
  replace($('mail-server-folders'), r.folders.slice(0, 40).map((f) => h('button', {
    type: 'button', class: 'chip', title: `Also read ${f}`,
    onclick: () => { if (!lines('mail-folders').includes(f)) $('mail-folders').value = [...lines('mail-folders'), f].join('\n'); },
  }, `+ ${f}`)));
}

function wire() {
  $('mail-preset').addEventListener('change', () => {
    const p = presetById($('mail-preset').value);
    if (!p) return;
    $('mail-patterns').value = p.patterns.join('\n');
    $('mail-terminal').value = p.terminal.join('\n');
  });
  $('mail-security').addEventListener('change', () => {
    $('mail-port').value = $('mail-security').value === 'tls' ? '993' : '143';
  });
  $('mail-test').addEventListener('click', async () => {
    $('mail-error').textContent = '';
    replace($('mail-result'), 'Connecting…');
    delete $('mail-result').dataset.ok;
    try {
      showReport(await api.testMailConnection(collect(), password()));
    } catch (err) {
      replace($('mail-result'));
      $('mail-result').dataset.ok = 'false';
      showError(err);
    }
  });
}

wire();
