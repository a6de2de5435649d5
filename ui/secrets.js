// Secrets caught in the draft: the panel beside the description (one row per finding, with its kind,
// where it is and a masked preview, never the value), Redact / Redact all / Not a secret, and the
// warning before the draft leaves the app (Submit, CJ's form panel) while findings remain.

import { api } from './api.js';
import { h, replace } from './dom.js';

const panel = document.getElementById('secret-findings');
const list = document.getElementById('secret-list');
const note = document.getElementById('secret-note');
const warning = document.getElementById('secret-warning-dialog');
let shown = { findings: [], total: 0, more: [], kinds: [], dismissed: 0 };
let renderedKey = null;
// The app's key for the report shown (from a full check); `null` after a redaction or a "not a
// secret", whose answers carry none.
let knownKey = null;
let hooks = { currentId: () => null, input: () => null, flush: async () => {}, apply() {}, toast() {}, picturesNotReviewed: () => 0 };

export function setHooks(h2) {
  hooks = { ...hooks, ...h2 };
}

const PLACE = { subject: 'Subject', description: 'Description' };

function where(f) {
  const place = f.field === 'attachment' ? f.fileName : PLACE[f.field];
  return `${place}, line ${f.line}`;
}

/** The app's key for the findings shown, so a check can answer "unchanged" without them. */
export function known() {
  return knownKey;
}

/**
 * Shows a scan's findings (a check without a scan, or one that found them unchanged, leaves the last
 * one shown). `appKey` is the app's key for `report` when it gave one.
 */
export function render(report, appKey = null) {
  if (!report) return;
  knownKey = appKey;
  shown = report;
  // A check after each typing pause answers the same report most of the time: the page is left as
  // it is (no rows rebuilt, no focus lost, nothing announced again) unless the findings changed.
  const key = JSON.stringify(report);
  if (key === renderedKey) return;
  renderedKey = key;
  const n = report.total ?? report.findings.length;
  panel.hidden = n === 0;
  replace(note, n
    ? `${n} possible secret${n === 1 ? '' : 's'}: everyone who handles the case would read ${n === 1 ? 'it' : 'them'}.`
      + (report.dismissed ? ` (${report.dismissed} marked not a secret.)` : '')
    : '');
  // At most a few rows per place come from the core; the rest are one "and N more" row per place,
  // and a "Redact all" per kind that has several.
  const rows = report.findings.map((f) =>
    h('li', { 'data-testid': 'secret-item', dataset: { kind: f.kind, field: f.field, id: f.id } },
      h('span', { class: 'secret-kind' }, f.label),
      h('span', { class: 'secret-where' }, where(f)),
      h('code', { class: 'secret-preview', 'aria-label': `masked: ${f.preview}` }, f.preview),
      h('button', { type: 'button', 'data-testid': 'redact', 'aria-label': `Redact the ${f.label} in ${where(f)}`, onclick: () => redact({ which: 'one', id: f.id }) }, 'Redact'),
      h('button', { type: 'button', 'data-testid': 'not-secret', 'aria-label': `The ${f.label} in ${where(f)} is not a secret`, onclick: () => notSecret(f.id) }, 'Not a secret'),
    ));
  for (const m of report.more || []) {
    const place = m.field === 'attachment' ? m.fileName : PLACE[m.field];
    rows.push(h('li', { 'data-testid': 'secret-more', class: 'secret-more' }, `and ${m.count.toLocaleString('en-US')} more in ${place}`));
  }
  for (const k of (report.kinds || []).filter((x) => x.count > 1)) {
    rows.push(h('li', { class: 'secret-kind-row' },
      h('button', { type: 'button', 'data-testid': 'redact-kind', dataset: { kind: k.kind }, onclick: () => redact({ which: 'kind', id: k.kind }) },
        `Redact all ${k.count.toLocaleString('en-US')} × ${k.label}`)));
  }
  replace(list, rows);
}

export function clear() {
  render({ findings: [], total: 0, more: [], kinds: [], dismissed: 0 });
}

/** Findings not redacted nor marked, as last scanned (listed or not). */
export function remaining() {
  return shown.total ?? shown.findings.length;
}

async function redact(which) {
  const id = hooks.currentId();
  if (id == null) return;
  await hooks.flush();
  try {
    const out = await api.redactSecrets(id, hooks.input(), which);
    hooks.apply(out);
    render(out.secrets);
    hooks.toast(out.count === 1 ? 'Redacted.' : `${out.count} values redacted.`);
    if (!out.secrets.findings.length) document.getElementById('description').focus();
  } catch (err) {
    hooks.toast(err.message);
  }
}

async function notSecret(finding) {
  const id = hooks.currentId();
  if (id == null) return;
  try {
    render(await api.markNotSecret(id, hooks.input(), finding));
    (list.querySelector('button') || document.getElementById('description')).focus();
  } catch (err) {
    hooks.toast(err.message);
  }
}

document.getElementById('redact-all').addEventListener('click', () => redact({ which: 'all' }));

/**
 * Before the draft leaves the app: scan it again; when findings remain, ask (a dialog the user may
 * dismiss to go on, or leave to review them). Resolves to whether to go on.
 */
export async function confirmBeforeSending(id, input) {
  try {
    const check = await api.checkDraft(id, input, knownKey);
    render(check.secrets, check.secretsKey);
  } catch {
    // The check failing is not a reason to block sending; the last scan stands.
  }
  const n = remaining();
  const pics = hooks.picturesNotReviewed();
  if (!n && !pics) return true;
  const parts = [];
  if (n) parts.push(`This draft still has ${n} possible secret${n === 1 ? '' : 's'} (${[...new Set((shown.kinds || shown.findings).map((f) => f.label))].join(', ')}). Support staff and anyone CC'd would read ${n === 1 ? 'it' : 'them'}.`);
  // A reminder, never a block: the scanner cannot read pictures.
  if (pics) parts.push(`${pics} screenshot${pics === 1 ? '' : 's'} not reviewed: open ${pics === 1 ? 'it' : 'them'} with Annotate… to black out what must not leave.`);
  return askToContinue(parts.join(' '), n ? 'Send it with possible secrets?' : 'Send unreviewed screenshots?');
}

/** The warning dialog: resolves to true for "Continue anyway"; "Review them" returns to the list. */
export async function askToContinue(message, title = 'Send it with possible secrets?') {
  replace(document.getElementById('secret-warning-title'), title);
  replace(document.getElementById('secret-warning-text'), message);
  warning.returnValue = '';
  warning.showModal();
  document.getElementById('secret-review').focus();
  const choice = await new Promise((resolve) => warning.addEventListener('close', () => resolve(warning.returnValue), { once: true }));
  if (choice !== 'continue') {
    const first = list.querySelector('button');
    if (first) first.focus();
    return false;
  }
  return true;
}
