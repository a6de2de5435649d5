// Settings → Case e-mail: the mailboxes followed (each an account: a list to pick, add and remove),
// and the one picked: its server and sign-in (the password goes to the system keyring and never comes
// back), folders, support's addresses, how their mails read (a preset of patterns, editable), closing
// statuses, look-back, and "Test connection", which shows what was read from the last three mails.
// What is typed for one mailbox is kept while another is edited, until Save.

import { api } from './api.js';
import { h, replace } from './dom.js';

const $ = (id) => document.getElementById(id);
const lines = (id) => $(id).value.split('\n').map((s) => s.trim()).filter(Boolean);
/** The mail source's key among the preferences' slices, and the version of its shape. */
const SLICE = 'mail';
const VERSION = 1;
// The source these settings are for, as the registry names it (its sign-in, its state).
const SOURCE = SLICE;

let presets = [];
let signedIn = false;
// The accounts as edited, the one in the form, what the core says of each one's secrets, passwords
// typed (by id) and what a new account starts with.
let accounts = [];
let current = 0;
let secretsOf = {};
let typed = {};
let defaults = {};
let builtInIds = [];
// The server each OAuth preset fills in, from the core ({auth, host, port}).
let oauthServers = [];

function presetById(id) {
  return presets.find((p) => p.id === id) || presets[0];
}

const FIRST = 'mail';

function blank(id) {
  return { ...structuredClone(defaults), id, name: '' };
}

/** An account nobody filled in: not stored. */
function isBlank(a) {
  return !a.enabled && !a.host && !a.user && !a.name;
}

function label(a) {
  return a.name || a.user || a.host || 'New mailbox';
}

function newId() {
  let id;
  do id = `box-${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
  while (accounts.some((a) => a.id === id));
  return id;
}

/** Fills the section from the settings view, keeping the mailbox that was picked. */
export function fill(view) {
  // The mail source's own part of the settings view (beside its slice in the preferences).
  const part = view.sources?.[SOURCE] || {};
  presets = part.presets || [];
  defaults = part.defaults || {};
  builtInIds = part.builtInClientIds || [];
  oauthServers = part.oauthServers || [];
  secretsOf = Object.fromEntries((part.accountSecrets || []).map((x) => [x.id, x]));
  replace($('mail-preset'), presets.map((p) => h('option', { value: p.id }, p.label)));
  const picked = accounts[current] && accounts[current].id;
  accounts = structuredClone(view.preferences.slices?.[SLICE]?.settings?.accounts || []);
  if (!accounts.length) accounts = [blank(FIRST)];
  current = Math.max(0, accounts.findIndex((a) => a.id === picked));
  typed = {};
  showList();
  show(accounts[current]);
  $('mail-error').textContent = '';
}

function showList() {
  replace($('mail-accounts'), accounts.map((a, i) => h('li', {
    'data-testid': 'mail-account-item', 'aria-current': String(i === current), dataset: { id: a.id, enabled: String(!!a.enabled) },
  }, h('button', { type: 'button', onclick: () => pick(i) },
    h('strong', {}, label(a)),
    h('span', { class: 'meta' }, [a.user && a.host ? `${a.user} · ${a.host}` : 'not set up', a.enabled ? '' : ' · off'].join(''))))));
  $('remove-mail-account').hidden = accounts.length === 1 && isBlank(accounts[0]);
  $('remove-mail-account-ask').hidden = true;
}

/** Keeps what the form holds for the mailbox being edited. */
function keep() {
  accounts[current] = readForm();
  const p = $('mail-password').value;
  if (p.trim() !== '') typed[accounts[current].id] = p;
}

function pick(i) {
  keep();
  current = i;
  showList();
  show(accounts[current]);
}

/** Shows one account in the form. */
function show(m) {
  $('mail-account-name').value = m.name || '';
  $('mail-enabled').checked = m.enabled;
  $('mail-shared').checked = !!m.shared;
  $('mail-host').value = m.host;
  $('mail-port').value = String(m.port);
  $('mail-security').value = m.security;
  $('mail-user').value = m.user;
  $('mail-auth').value = m.auth || 'password';
  const o = m.oauth || {};
  $('mail-oauth-client-id').value = o.clientId || '';
  $('mail-oauth-client-secret').value = o.clientSecret || '';
  $('mail-oauth-auth-url').value = o.authUrl || '';
  $('mail-oauth-token-url').value = o.tokenUrl || '';
  $('mail-oauth-device-url').value = o.deviceUrl || '';
  $('mail-oauth-scope').value = o.scope || '';
  const secrets = secretsOf[m.id] || {};
  signedIn = !!secrets.signedIn;
  showAuth();
  $('mail-password').value = typed[m.id] || '';
  $('mail-password').placeholder = secrets.hasPassword ? 'Stored in the system keyring (type to replace)' : 'An app password, if your provider offers them';
  $('mail-folders').value = m.folders.join('\n');
  $('mail-senders').value = m.senders.join('\n');
  $('mail-preset').value = m.preset;
  const preset = presetById(m.preset);
  $('mail-patterns').value = (m.patterns.length ? m.patterns : preset ? preset.patterns : []).join('\n');
  $('mail-terminal').value = (m.terminalStatuses.length ? m.terminalStatuses : preset ? preset.terminal : []).join('\n');
  $('mail-look-back').value = String(m.lookBackDays);
  replace($('mail-server-folders'));
  replace($('mail-result'));
}

/** Every mailbox as edited (the blank one nobody filled in left out). */
export function collect() {
  keep();
  return accounts.filter((a) => !isBlank(a));
}

/** `slices` with the mail source's slice holding the mailboxes as typed. */
export function intoSlices(slices) {
  return { ...slices, [SLICE]: { version: VERSION, settings: { accounts: collect() } } };
}

/** The mailbox being edited, as typed: what Test connection and Sign in use. */
function editing() {
  const { id, name, ...settings } = readForm();
  return { id, settings };
}

/** The passwords typed, by account id (none: keep the stored ones). */
export function passwords() {
  keep();
  return { ...typed };
}

/** What a save hands the secret store for this source: {mail: {accountId: password}}. */
export function sourceSecrets() {
  return { [SOURCE]: passwords() };
}

/** The mail settings of the form as typed. Patterns equal to the preset's are stored as "the preset's". */
function readForm() {
  const preset = presetById($('mail-preset').value);
  const patterns = lines('mail-patterns');
  const terminal = lines('mail-terminal');
  const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
  return {
    id: accounts[current].id,
    name: $('mail-account-name').value.trim(),
    enabled: $('mail-enabled').checked,
    shared: $('mail-shared').checked,
    host: $('mail-host').value.trim(),
    port: Number($('mail-port').value) || 0,
    security: $('mail-security').value,
    user: $('mail-user').value.trim(),
    auth: $('mail-auth').value,
    oauth: {
      clientId: $('mail-oauth-client-id').value.trim(),
      clientSecret: $('mail-oauth-client-secret').value.trim(),
      authUrl: $('mail-oauth-auth-url').value.trim(),
      tokenUrl: $('mail-oauth-token-url').value.trim(),
      deviceUrl: $('mail-oauth-device-url').value.trim(),
      scope: $('mail-oauth-scope').value.trim(),
    },
    folders: lines('mail-folders'),
    senders: lines('mail-senders'),
    preset: preset ? preset.id : 'cj',
    patterns: preset && same(patterns, preset.patterns) ? [] : patterns,
    terminalStatuses: preset && same(terminal, preset.terminal) ? [] : terminal,
    lookBackDays: Number($('mail-look-back').value) || 0,
  };
}

/** Picks the mailbox with this id (the Cases view's "Sign in again" names one). */
export function pickAccount(id) {
  const i = accounts.findIndex((a) => a.id === id);
  if (i >= 0 && i !== current) pick(i);
}

/** Shows an error of this section beside its fields. */
export function showError(err) {
  $('mail-error').textContent = err.message;
  $('mail-error').dataset.code = err.code;
  const field = { mail_auth: 'mail-auth', mail_oauth_client_id: 'mail-oauth-client-id', mail_oauth_client_secret: 'mail-oauth-client-secret', mail_oauth_auth_url: 'mail-oauth-auth-url', mail_oauth_token_url: 'mail-oauth-token-url', mail_oauth_device_url: 'mail-oauth-device-url', mail_oauth_scope: 'mail-oauth-scope', mail_host: 'mail-host', mail_port: 'mail-port', mail_security: 'mail-security', mail_user: 'mail-user', mail_password: 'mail-password', mail_folders: 'mail-folders', mail_senders: 'mail-senders', mail_patterns: 'mail-patterns', mail_terminal: 'mail-terminal', mail_look_back: 'mail-look-back' }[err.field];
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

/** Shows the rows the chosen sign-in method needs, and whether the account is signed in. */
function showAuth() {
  const auth = $('mail-auth').value;
  const oauth = auth !== 'password';
  const rows = {
    password: !oauth,
    client: auth === 'custom' || (oauth && !builtInIds.includes(auth)),
    secret: auth === 'google' || auth === 'custom',
    custom: auth === 'custom',
    oauth,
  };
  for (const row of document.querySelectorAll('.auth-row')) row.hidden = !rows[row.dataset.auth];
  $('mail-sign-in-code').hidden = !(auth === 'microsoft' || (auth === 'custom' && $('mail-oauth-device-url').value.trim()));
  $('mail-sign-out').hidden = !signedIn;
  const state = $('mail-auth-state');
  state.dataset.signedIn = String(signedIn);
  state.textContent = signedIn ? 'Signed in. The sign-in is kept in the system keyring.' : 'Not signed in yet.';
}

/** While a sign-in runs: Cancel instead of the sign-in buttons. */
function signingIn(on, text) {
  $('mail-sign-in').hidden = on;
  $('mail-sign-in-cancel').hidden = !on;
  if (on) { $('mail-sign-in-code').hidden = true; $('mail-sign-out').hidden = true; }
  if (text) $('mail-auth-state').textContent = text;
}

/** After a sign-in: the settings are saved (so the account follows at once), or the error shown. */
async function finishSignIn(run, hooks) {
  $('mail-error').textContent = '';
  try {
    await run();
    signedIn = true;
    signingIn(false);
    $('mail-device-code').hidden = true;
    showAuth();
    await hooks.save();
  } catch (err) {
    signingIn(false);
    $('mail-device-code').hidden = true;
    showAuth();
    showError(err);
  }
}

/** `hooks.save()` saves the whole Settings form (settings.js owns it). */
export function wireSignIn(hooks) {
  $('remove-mail-account-confirm').addEventListener('click', async () => {
    const gone = accounts[current];
    accounts.splice(current, 1);
    delete typed[gone.id];
    if (!accounts.length) accounts = [blank(FIRST)];
    current = 0;
    showList();
    show(accounts[current]);
    await hooks.save();
  });
  $('mail-sign-in').addEventListener('click', () => {
    signingIn(true, 'Waiting for you to sign in in your browser…');
    finishSignIn(() => { const e = editing(); return api.signIn(SOURCE, e.settings, e.id); }, hooks);
  });
  $('mail-sign-in-code').addEventListener('click', () => {
    signingIn(true, 'Asking for a code…');
    finishSignIn(async () => {
      const e = editing();
      const start = await api.signInCode(SOURCE, e.settings, e.id);
      const code = $('mail-device-code');
      replace(code, 'Open ', h('strong', {}, start.verificationUri), ' on any device and enter ', h('strong', { 'data-testid': 'mail-user-code' }, start.userCode), '.');
      code.hidden = false;
      $('mail-auth-state').textContent = 'Waiting for you to enter the code…';
      await api.signInCodeWait();
    }, hooks);
  });
  $('mail-sign-in-cancel').addEventListener('click', () => api.signInCancel().catch(() => {}));
  $('mail-sign-out').addEventListener('click', async () => {
    try {
      await api.signOut(SOURCE, accounts[current].id);
      signedIn = false;
      showAuth();
    } catch (err) { showError(err); }
  });
}

function wire() {
  $('add-mail-account').addEventListener('click', () => {
    keep();
    accounts.push({ ...blank(newId()), enabled: true });
    current = accounts.length - 1;
    showList();
    show(accounts[current]);
    $('mail-account-name').focus();
  });
  $('remove-mail-account').addEventListener('click', () => { $('remove-mail-account-ask').hidden = false; });
  $('remove-mail-account-cancel').addEventListener('click', () => { $('remove-mail-account-ask').hidden = true; });
  $('mail-account-name').addEventListener('input', () => {
    const item = $('mail-accounts').children[current];
    const name = item && item.querySelector('strong');
    if (name) name.textContent = $('mail-account-name').value.trim() || label({ ...accounts[current], name: '' });
  });
  $('mail-auth').addEventListener('change', () => {
    const p = oauthServers.find((s) => s.auth === $('mail-auth').value);
    if (p) {
      $('mail-host').value = p.host;
      $('mail-port').value = String(p.port);
      $('mail-security').value = 'tls';
    }
    showAuth();
  });
  $('mail-oauth-device-url').addEventListener('input', showAuth);
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
      const e = editing();
      const p = $('mail-password').value;
      showReport(await api.testSourceConnection(SOURCE, e.settings, p.trim() === '' ? null : p, e.id));
    } catch (err) {
      replace($('mail-result'));
      $('mail-result').dataset.ok = 'false';
      showError(err);
    }
  });
}

wire();
