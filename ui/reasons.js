// Settings → Case reasons: the publishers' list, the advertisers' list or the whole catalogue; add,
// rename, reorder, remove unused; whose list each entry is in; keywords that suggest each reason and
// sub reason; a description template per reason; import and export of the list shown as JSON.

import { api } from './api.js';
import { h, replace } from './dom.js';
import { listFor } from './catalogue.js';

const dialog = document.getElementById('settings-dialog');
const listEl = document.getElementById('reasons-editor');
const errorEl = document.getElementById('reasons-error');
const kindEl = document.getElementById('reasons-kind');
let reasons = [];

/** The list shown: 'publisher', 'advertiser' or '' (the whole catalogue). */
const shownKind = () => kindEl.value;

const AUDIENCES = [['both', 'Both lists'], ['publisher', 'Publishers only'], ['advertiser', 'Advertisers only']];

function audienceSelect(value, name, onCommit) {
  const select = h('select', { class: 'audience', 'aria-label': `Whose list ${name} is in`, dataset: { testid: 'reason-audience' } },
    AUDIENCES.map(([v, label]) => h('option', { value: v, selected: v === value }, label)));
  select.addEventListener('change', () => act(() => onCommit(select.value)));
  return select;
}
let hooks = { onReasonsChanged() {} };

export function setHooks(h2) {
  hooks = { ...hooks, ...h2 };
}

export function setReasons(list) {
  reasons = list;
  render();
}

function showError(err) {
  errorEl.textContent = err ? err.message : '';
  if (err) errorEl.dataset.code = err.code; else delete errorEl.dataset.code;
}

async function act(fn) {
  try {
    showError(null);
    await fn();
    reasons = await api.listReasons();
    render();
    hooks.onReasonsChanged(reasons);
  } catch (err) {
    showError(err);
  }
}

function nameInput(value, label, onCommit) {
  const input = h('input', { type: 'text', value, 'aria-label': label, maxlength: '120' });
  input.addEventListener('change', () => {
    if (input.value.trim() !== value) act(() => onCommit(input.value));
  });
  return input;
}

/** A keywords field: comma-separated phrases that suggest the reason as the user writes. */
function keywordsInput(value, name, onCommit) {
  const input = h('input', { type: 'text', class: 'keywords', value, 'aria-label': `Keywords that suggest ${name}`, placeholder: 'Keywords that suggest it, comma-separated', maxlength: '2000' });
  input.addEventListener('change', () => {
    if (input.value.trim() !== value) act(() => onCommit(input.value));
  });
  return input;
}

// Reasons whose template the user opened: they stay open when the list is drawn again after a save.
const openTemplates = new Set();

function templateEditor(r) {
  const area = h('textarea', { 'aria-label': `Description template for ${r.name}`, maxlength: '8000', placeholder: 'Empty: the general template' });
  area.value = r.template;
  area.addEventListener('change', () => {
    if (area.value.trim() !== r.template) act(() => api.setReasonTemplate(r.id, area.value));
  });
  const details = h('details', {}, h('summary', {}, r.template ? 'Description template (its own)' : 'Description template (the general one)'), area);
  details.open = openTemplates.has(r.id);
  details.addEventListener('toggle', () => {
    if (details.open) openTemplates.add(r.id);
    else openTemplates.delete(r.id);
  });
  return details;
}

function controls(name, first, last, move, remove, removeDisabledWhy) {
  return [
    h('button', { type: 'button', class: 'icon', 'aria-label': `Move ${name} up`, disabled: first, onclick: () => act(() => move(-1)) }, '↑'),
    h('button', { type: 'button', class: 'icon', 'aria-label': `Move ${name} down`, disabled: last, onclick: () => act(() => move(1)) }, '↓'),
    h('button', { type: 'button', class: 'icon danger', 'aria-label': `Remove ${name}`, title: removeDisabledWhy || `Remove ${name}`, disabled: !!removeDisabledWhy, onclick: () => act(remove) }, '✕'),
  ];
}

function render() {
  const kind = shownKind();
  const shown = listFor(reasons, kind);
  replace(listEl, shown.map((r, i) => {
    const subInput = h('input', { type: 'text', 'aria-label': `New sub reason for ${r.name}`, placeholder: 'New sub reason', maxlength: '120' });
    const addSub = () => act(() => api.addSubReason(r.id, subInput.value, kind));
    subInput.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); addSub(); } });
    return h('li', { class: 'reason', dataset: { id: String(r.id) } },
      h('div', { class: 'row' },
        nameInput(r.name, `Case reason ${r.name}`, (v) => api.renameReason(r.id, v)),
        audienceSelect(r.audience, r.name, (v) => api.setReasonAudience(r.id, v)),
        controls(r.name, i === 0, i === shown.length - 1, (by) => api.moveReason(r.id, by, kind), () => api.removeReason(r.id),
          r.usedBy ? `Used by ${r.usedBy} draft(s)` : null)),
      h('div', { class: 'row' }, keywordsInput(r.keywords, r.name, (v) => api.setReasonKeywords(r.id, v))),
      templateEditor(r),
      h('ul', { class: 'subs' },
        r.subReasons.map((s, j) => h('li', { class: 'row', dataset: { id: String(s.id) } },
          nameInput(s.name, `Sub reason ${s.name}`, (v) => api.renameSubReason(s.id, v)),
          keywordsInput(s.keywords, s.name, (v) => api.setSubReasonKeywords(s.id, v)),
          audienceSelect(s.audience, s.name, (v) => api.setSubReasonAudience(s.id, v)),
          controls(s.name, j === 0, j === r.subReasons.length - 1, (by) => api.moveSubReason(s.id, by, kind), () => api.removeSubReason(s.id), null))),
        h('li', { class: 'row' }, subInput, h('button', { type: 'button', onclick: addSub }, 'Add'))));
  }));
}

/** Reloads the catalogue shown in Settings. */
export async function refresh() {
  try { reasons = await api.listReasons(); } catch (err) { showError(err); }
  render();
}

function wire() {
  document.getElementById('close-settings').addEventListener('click', () => dialog.close());
  const newReason = document.getElementById('new-reason');
  const add = () => act(async () => { await api.addReason(newReason.value, shownKind()); newReason.value = ''; });
  kindEl.addEventListener('change', () => { showError(null); render(); });
  document.getElementById('add-reason').addEventListener('click', add);
  newReason.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); add(); } });
  document.getElementById('export-reasons').addEventListener('click', () => act(() => api.exportReasonsToFile(shownKind())));
  document.getElementById('import-reasons').addEventListener('click', () => act(() => api.importReasonsFromFile(shownKind())));
}

wire();
