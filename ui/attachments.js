// The draft's attachments: the list (with each picture's notes and Annotate…), Add files…, Paste
// picture / Ctrl+V, Take screenshot… and drops; refusals and errors shown under the list.

import { api } from './api.js';
import { CODES } from './codes.js';
import { h, replace, formatSize } from './dom.js';
import { annotate } from './annotate.js';
import * as pictures from './pictures.js';

const list = document.getElementById('attachments');
const errorBox = document.getElementById('attachment-error');
let hooks = { currentId: () => null };
let shown = [];

export function init(h2) {
  hooks = { ...hooks, ...h2 };
}

/** Pictures on the open draft not yet looked at in the annotation editor. */
export const picturesNotReviewed = () => pictures.notReviewed(shown);

export function render(attachments) {
  shown = attachments;
  replace(list, attachments.length ? attachments.map((a) =>
    h('li', { 'data-testid': 'attachment-item', dataset: { id: String(a.id), kind: a.kind, redacted: String(a.redacted), reviewed: String(a.reviewed) } },
      h('span', { class: 'name' }, a.name),
      a.redacted && !pictures.isPicture(a) ? h('span', { class: 'badge', title: 'Secrets in it were redacted; this copy is what is sent' }, 'redacted') : null,
      h('span', { class: 'kind' }, a.kind.toUpperCase()),
      h('span', { class: 'size' }, formatSize(a.size)),
      h('button', { type: 'button', class: 'icon', 'aria-label': `Remove ${a.name}`, onclick: () => remove(a) }, '✕'),
      pictures.notes(a, annotateOne)))
    : h('li', { class: 'none' }, 'No files yet.'));
}

export const clearError = () => replace(errorBox);

function showRefused(refused) {
  replace(errorBox, refused.length
    ? h('ul', {}, refused.map((r) => h('li', { dataset: { code: r.error.code } }, r.error.message)))
    : null);
}

function showError(err) {
  replace(errorBox, h('ul', {}, h('li', { dataset: { code: err.code || '' } }, err.message || String(err))));
}

// Runs `call` on the shown draft; its answer is shown only if that draft is still the one shown.
async function onDraft(call, quietCodes = []) {
  const id = hooks.currentId();
  if (id == null) return;
  try {
    const out = await call(id);
    if (!out || hooks.currentId() !== id) return;
    if (Array.isArray(out)) {
      render(out);
    } else {
      render(out.attachments);
      showRefused(out.refused || []);
    }
  } catch (err) {
    if (!quietCodes.includes(err.code)) showError(err);
  }
}

const remove = (a) => onDraft(async (id) => {
  await api.removeAttachment(id, a.id);
  return (await api.openDraft(id)).attachments;
});
const annotateOne = (a) => onDraft((id) => annotate(id, a));

export const addFiles = () => onDraft((id) => api.pickAttachments(id));
export const pastePicture = () => onDraft((id) => pictures.settle(id, api.pastePicture(id)));
// Ctrl+V with nothing the page can read: a picture if the clipboard has one, else nothing to say.
const pasteIfPicture = () => onDraft((id) => pictures.settle(id, api.pastePicture(id)), [CODES.CLIPBOARD_NO_IMAGE]);
export const captureScreen = () => onDraft((id) => pictures.takeScreenshot(id));
export const dropFiles = (paths) => onDraft((id) => api.attachPaths(id, paths));

document.getElementById('add-files').addEventListener('click', addFiles);
document.getElementById('paste-picture').addEventListener('click', pastePicture);
document.getElementById('capture-screen').addEventListener('click', captureScreen);
// Ctrl+V / Cmd+V of a picture anywhere in the draft (text pastes as text, as always).
document.getElementById('editor').addEventListener('paste', (e) => {
  if (hooks.currentId() == null || !pictures.pasteMayHavePicture(e)) return;
  e.preventDefault();
  pasteIfPicture();
});
