// CJ accounts: the list in Settings (name, publisher or advertiser, CID/PID, the default one), and the
// editor's "For CJ account" selector, which every draft's save carries.

import { h, replace } from './dom.js';

const $ = (id) => document.getElementById(id);
let accounts = [];
let defaultId = null;
// The accounts as last saved, for the editor's selector.
let saved = [];
let onPicked = () => {};

function newId() {
  let id;
  do id = `cj-${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
  while (accounts.some((a) => a.id === id));
  return id;
}

function kindName(kind) {
  return kind === 'publisher' ? 'PID' : 'CID';
}

export function label(a) {
  return `${a.name}, ${a.kind}, ${kindName(a.kind)} ${a.cjId}`;
}

/** Settings: fills the list from the settings view. */
export function fill(view) {
  accounts = structuredClone(view.preferences.cjAccounts || []);
  defaultId = view.preferences.defaultCjAccount || null;
  saved = structuredClone(accounts);
  showList();
  $('cj-accounts-error').textContent = '';
  fillSelector();
}

function keep() {
  for (const li of $('cj-accounts').children) {
    const a = accounts.find((x) => x.id === li.dataset.id);
    if (!a) continue;
    a.name = li.querySelector('[data-testid=cj-account-name]').value.trim();
    a.kind = li.querySelector('[data-testid=cj-account-kind]').value;
    a.cjId = li.querySelector('[data-testid=cj-account-cid]').value.trim();
    a.addresses = splitAddresses(li.querySelector('[data-testid=cj-account-addresses]').value);
    if (li.querySelector('[data-testid=cj-account-default]').checked) defaultId = a.id;
  }
}

/** "Acme@Agency.example, team@agency.example" → each address, lower-cased. */
export function splitAddresses(text) {
  return text.split(/[\s,;]+/).map((s) => s.trim().toLowerCase()).filter(Boolean);
}

function showList() {
  replace($('cj-accounts'), accounts.map((a) => h('li', { 'data-testid': 'cj-account-item', class: 'cj-account', dataset: { id: a.id } },
    h('input', { type: 'text', 'data-testid': 'cj-account-name', value: a.name, maxlength: '80', placeholder: 'Acme Shoes', 'aria-label': 'Account name' }),
    h('select', { 'data-testid': 'cj-account-kind', 'aria-label': 'Kind' },
      h('option', { value: 'advertiser', selected: a.kind === 'advertiser' }, 'Advertiser (CID)'),
      h('option', { value: 'publisher', selected: a.kind === 'publisher' }, 'Publisher (PID)')),
    h('input', { type: 'text', 'data-testid': 'cj-account-cid', value: a.cjId, maxlength: '12', inputmode: 'numeric', placeholder: '1234567', 'aria-label': 'CJ id (digits)' }),
    h('input', { type: 'text', 'data-testid': 'cj-account-addresses', value: (a.addresses || []).join(', '), maxlength: '2600', placeholder: 'E-mail addresses CJ writes to for it (optional)', 'aria-label': 'E-mail addresses CJ writes to for this account', title: 'A confirmation sent to one of these addresses lands on this account’s draft' }),
    h('label', {}, h('input', { type: 'radio', name: 'cj-default', 'data-testid': 'cj-account-default', checked: a.id === defaultId }), ' default'),
    h('button', { type: 'button', 'data-testid': 'cj-account-remove', 'aria-label': `Remove ${a.name || 'this account'}`, onclick: () => {
      keep();
      accounts = accounts.filter((x) => x.id !== a.id);
      if (defaultId === a.id) defaultId = accounts.length ? accounts[0].id : null;
      showList();
    } }, 'Remove'))));
}

/** Settings: the list as edited, for the preferences. */
export function collect() {
  keep();
  if (defaultId && !accounts.some((a) => a.id === defaultId)) defaultId = null;
  if (!defaultId && accounts.length) defaultId = accounts[0].id;
  return { cjAccounts: accounts.map((a) => ({ ...a })), defaultCjAccount: defaultId };
}

export function showError(err) {
  $('cj-accounts-error').textContent = err.message;
  $('cj-accounts-error').dataset.code = err.code;
}

/** The account filter over the lists and search: all, one account, or no account. Hidden with none. */
const ALL = '*';
function fillFilter() {
  const sel = $('account-filter');
  const picked = sel.value || ALL;
  replace(sel, h('option', { value: ALL }, 'All accounts'),
    saved.map((a) => h('option', { value: a.id }, label(a))),
    h('option', { value: '' }, 'No account'));
  sel.value = picked === ALL || picked === '' || saved.some((a) => a.id === picked) ? picked : ALL;
  $('account-filter-row').hidden = saved.length === 0;
  if (sel.value !== picked) onFilter();
}

let onFilter = () => {};

/** The filter's value for a command: undefined (every one), '' (no account) or an account id. */
export function filterAccount() {
  const v = $('account-filter').value;
  return v === ALL || $('account-filter-row').hidden ? undefined : v;
}

/** An account's name for a list line; an id no longer listed is shown as it is. */
export function nameOf(id) {
  const a = saved.find((x) => x.id === id);
  return a ? a.name : id;
}

/** `run()` when the user picks another account in the filter. */
export function onFilterPicked(run) {
  onFilter = run;
}

/** The editor's selector: the saved accounts; hidden when there are none. */
function fillSelector() {
  fillFilter();
  const sel = $('draft-account');
  const picked = sel.value;
  replace(sel, h('option', { value: '' }, '— none —'), saved.map((a) => h('option', { value: a.id }, label(a))));
  sel.value = picked;
  $('draft-account-row').hidden = saved.length === 0;
}

/** The editor: shows the draft's account (an id no longer listed is kept, shown as such). */
export function setDraftAccount(id) {
  const sel = $('draft-account');
  if (id && !saved.some((a) => a.id === id) && !sel.querySelector(`option[value="${CSS.escape(id)}"]`)) {
    sel.append(h('option', { value: id }, `A CJ account no longer listed (${id})`));
    $('draft-account-row').hidden = false;
  }
  sel.value = id || '';
}

export function draftAccount() {
  return $('draft-account').value || null;
}

/** The kind of the draft's account ('publisher' / 'advertiser'), or null (none, or no longer listed). */
export function draftKind() {
  const a = saved.find((x) => x.id === draftAccount());
  return a ? a.kind : null;
}

/** `run()` when the user picks another account for the draft. */
export function onDraftAccountPicked(run) {
  onPicked = run;
}

/** The editor's selector from the settings (at start, before Settings was ever opened). */
export function loadSaved(view) {
  saved = structuredClone(view.preferences.cjAccounts || []);
  fillSelector();
}

$('add-cj-account').addEventListener('click', () => {
  keep();
  accounts.push({ id: newId(), name: '', kind: 'advertiser', cjId: '' });
  if (!defaultId) defaultId = accounts[accounts.length - 1].id;
  showList();
  const items = $('cj-accounts').children;
  items[items.length - 1].querySelector('[data-testid=cj-account-name]').focus();
});
$('draft-account').addEventListener('change', () => onPicked());
$('account-filter').addEventListener('change', () => onFilter());
