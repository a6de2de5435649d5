// Pictures on a draft: what an attachment's line says about a picture, paste (Ctrl+V / Cmd+V) and
// "Take screenshot…" (whole screen, a region, one window). The editor is annotate.js.

import { api } from './api.js';
import { CODES } from './codes.js';
import { annotate } from './annotate.js';
import { h, replace, formatSize } from './dom.js';

const REMOVED = {
  location: 'location', camera: 'camera', owner: 'owner', date_time: 'date and time', thumbnail: 'thumbnail',
  other_exif: 'other EXIF', xmp: 'XMP', iptc: 'IPTC', comment: 'comment', text: 'text',
  extra_images: 'extra images', trailing_data: 'trailing data',
};

export const isPicture = (a) => a.kind === 'png' || a.kind === 'jpeg';

/** What the attachment's line says about a picture: what was removed, scaling, marks, review. */
export function notes(a, onAnnotate) {
  if (!isPicture(a)) return null;
  return h('span', { class: 'picture-notes' }, noteParts(a, onAnnotate));
}

function noteParts(a, onAnnotate) {
  const out = [];
  const removed = (a.metadataRemoved || []).map((k) => REMOVED[k] || k);
  out.push(h('span', {
    class: 'note', 'data-testid': 'metadata-removed', dataset: { removed: (a.metadataRemoved || []).join(',') },
    title: 'Written again from its pixels before it was stored: nothing else in the file leaves.',
  }, removed.length ? `removed: ${removed.join(', ')}` : 'no metadata'));
  if (a.scalePercent && a.scalePercent < 100) {
    out.push(h('span', { class: 'note', 'data-testid': 'picture-scaled' }, `scaled to ${a.scalePercent}% to fit CJ's 10 MB`));
  }
  if (a.redactions > 0) out.push(h('span', { class: 'badge', 'data-testid': 'picture-redacted' }, `${a.redactions} redacted`));
  if (a.annotations > 0) out.push(h('span', { class: 'badge', 'data-testid': 'picture-annotated' }, 'annotated'));
  if (!a.reviewed) out.push(h('span', { class: 'note warn', 'data-testid': 'picture-not-reviewed' }, 'not reviewed'));
  out.push(h('button', { type: 'button', 'data-testid': 'annotate', 'aria-label': `Annotate ${a.name}`, onclick: () => onAnnotate(a) }, 'Annotate…'));
  return out;
}

/** Pictures not yet looked at in the editor, for the reminder before Submit. */
export const notReviewed = (list) => (list || []).filter((a) => isPicture(a) && !a.reviewed).length;

/**
 * Whether a paste event may carry a picture (then the shell reads the desktop clipboard): it has
 * no text, and either names an image or names nothing at all — WebKitGTK hands the page no types
 * for a clipboard that holds only a picture (seen under Xvfb with xclip's image/png).
 */
export function pasteMayHavePicture(e) {
  const dt = e.clipboardData;
  if (!dt) return true;
  const types = Array.from(dt.types || []);
  if (types.includes('text/plain') || types.includes('text/html')) return false;
  const files = Array.from(dt.files || []);
  return types.length === 0 || files.some((f) => /^image\//.test(f.type)) || types.some((t) => /^image\//.test(t) || t === 'Files');
}

// ---- Too large for CJ as a PNG: offered smaller --------------------------------------------------

const sizeDialog = document.getElementById('size-dialog');
let asking = null; // resolve of the open size question

function answerSize(choice) {
  const resolve = asking;
  asking = null;
  if (sizeDialog.open) sizeDialog.close();
  if (resolve) resolve(choice);
}

function version(button, v, label, note) {
  button.hidden = !v;
  if (!v) return;
  replace(button, label(v), h('span', { class: 'note' }, note));
}

/** Asks which smaller version of an offered picture to attach: 'jpeg', 'scaled' or null. */
function askSize(offer) {
  if (asking) answerSize(null);
  replace(document.getElementById('size-why'),
    `${offer.name} (${offer.width} × ${offer.height}) would be ${formatSize(offer.pngBytes)} as a PNG; CJ takes at most 10 MB per file. Choose how to send it:`);
  version(document.getElementById('size-jpeg'), offer.jpeg,
    (v) => `Full size as JPEG — ${formatSize(v.bytes)}`, 'Every pixel kept; small text a little softer.');
  version(document.getElementById('size-scaled'), offer.scaled,
    (v) => `PNG scaled to ${v.scalePercent}% — ${v.width} × ${v.height}, ${formatSize(v.bytes)}`, 'Sharp edges; smaller text may be hard to read.');
  return new Promise((resolve) => {
    asking = resolve;
    sizeDialog.showModal();
    sizeDialog.querySelector('.size-choices button:not([hidden])')?.focus();
  });
}

document.getElementById('size-jpeg').addEventListener('click', () => answerSize('jpeg'));
document.getElementById('size-scaled').addEventListener('click', () => answerSize('scaled'));
document.getElementById('size-cancel').addEventListener('click', () => answerSize(null));
document.getElementById('size-close').addEventListener('click', () => answerSize(null));
sizeDialog.addEventListener('cancel', (e) => {
  e.preventDefault();
  answerSize(null);
});

/**
 * A paste's or a capture's answer, settled: when it came back offered smaller, the user chooses
 * (or drops it) and the answer is that of the choice. Resolves to { added, refused, attachments }.
 */
export async function settle(draftId, answer) {
  const out = await answer;
  if (!out || !out.offer) return out;
  const choice = await askSize(out.offer);
  return api.choosePictureSize(draftId, out.offer.token, choice);
}

// ---- "Take screenshot…" -------------------------------------------------------------------------

const chooser = document.getElementById('capture-dialog');
const windowList = document.getElementById('capture-windows');
const captureError = document.getElementById('capture-error');
let choosing = null; // { draftId, resolve, busy }

function finish(result) {
  const c = choosing;
  choosing = null;
  if (chooser.open) chooser.close();
  if (c) c.resolve(result);
}

// One capture at a time; its error shown in the chooser, which stays open to try again.
async function run(take) {
  if (!choosing || choosing.busy) return;
  choosing.busy = true;
  replace(captureError);
  try {
    const out = await take(choosing.draftId);
    finish(out);
  } catch (err) {
    if (choosing) choosing.busy = false;
    replace(captureError, h('span', { dataset: { code: err.code || '' } }, err.message || String(err)));
  }
}

// A region: the whole screen captured, then the editor opened with its crop tool; cancelling it
// removes the capture again.
async function region(draftId) {
  const out = await settle(draftId, api.captureScreen(draftId));
  const shot = out.added[0];
  if (!shot) return out;
  chooser.close();
  const list = await annotate(draftId, shot, { region: true });
  if (list) return { ...out, attachments: list };
  await api.removeAttachment(draftId, shot.id);
  return { ...out, added: [], attachments: (await api.openDraft(draftId)).attachments };
}

async function showWindows() {
  if (!choosing) return;
  replace(captureError);
  windowList.hidden = false;
  replace(windowList, h('li', { class: 'none' }, 'Looking for windows…'));
  try {
    const windows = await api.listWindows();
    replace(windowList, windows.length
      ? windows.map((w) => h('li', {},
        h('button', {
          type: 'button', 'data-testid': 'capture-window', dataset: { title: w.title },
          onclick: () => run((id) => settle(id, api.captureWindow(id, w.id))),
        }, w.title, w.app && w.app !== w.title ? h('span', { class: 'note' }, ` — ${w.app}`) : null)))
      : h('li', { class: 'none' }, 'No other window is open.'));
    windowList.querySelector('button')?.focus();
  } catch (err) {
    if (err.code === CODES.CAPTURE_BY_DESKTOP) {
      // No application may list windows here (Wayland): the desktop's own dialog chooses one.
      replace(windowList, h('li', { class: 'none' }, err.message,
        h('button', {
          type: 'button', 'data-testid': 'capture-desktop',
          onclick: () => run((id) => settle(id, api.captureWithDesktop(id))),
        }, 'Choose in the desktop\u2019s dialog…')));
      windowList.querySelector('button')?.focus();
      return;
    }
    windowList.hidden = true;
    replace(captureError, h('span', { dataset: { code: err.code || '' } }, err.message || String(err)));
  }
}

document.getElementById('capture-whole').addEventListener('click', () => run((id) => settle(id, api.captureScreen(id))));
document.getElementById('capture-region').addEventListener('click', () => run(region));
document.getElementById('capture-window-list').addEventListener('click', showWindows);
document.getElementById('capture-close').addEventListener('click', () => finish(null));
chooser.addEventListener('cancel', (e) => {
  e.preventDefault();
  if (!choosing?.busy) finish(null);
});

/**
 * "Take screenshot…": whole screen, a region, or one window. Resolves to the attach outcome
 * ({ added, refused, attachments }) or null when the user closed the chooser.
 */
export function takeScreenshot(draftId) {
  if (choosing) return Promise.resolve(null);
  replace(captureError);
  replace(windowList);
  windowList.hidden = true;
  return new Promise((resolve) => {
    choosing = { draftId, resolve, busy: false };
    chooser.showModal();
    document.getElementById('capture-whole').focus();
  });
}
