// Export a draft or a case as Markdown or PDF: a small dialog to choose the format, then the native
// save dialog. While the draft has possible secrets the export warns first, as Submit does.

import { api } from './api.js';
import { CODES } from './codes.js';
import { askToContinue } from './secrets.js';

const dialog = document.getElementById('export-dialog');
let hooks = { toast() {}, flush: async () => {} };
let subject = null;
let opener = null;

export function setHooks(h2) {
  hooks = { ...hooks, ...h2 };
}

/** Opens the format choice for `what` ({kind: 'draft'|'case', id}). */
export function open(what) {
  subject = what;
  opener = document.activeElement;
  dialog.showModal();
  document.getElementById('export-markdown').focus();
}

async function run(format) {
  dialog.close();
  if (!subject) return;
  await hooks.flush();
  let confirmed = false;
  for (;;) {
    try {
      const path = await api.exportCase(subject, format, confirmed);
      if (path) hooks.toast(`Exported to ${path}.`);
      break;
    } catch (err) {
      if (err.code === CODES.SECRETS_UNREDACTED && !confirmed) {
        confirmed = await askToContinue(`${err.message} Export anyway?`);
        if (confirmed) continue;
      } else {
        hooks.toast(err.message);
      }
      break;
    }
  }
  if (opener && opener.isConnected) opener.focus();
}

document.getElementById('export-markdown').addEventListener('click', () => run('markdown'));
document.getElementById('export-pdf').addEventListener('click', () => run('pdf'));
document.getElementById('close-export').addEventListener('click', () => dialog.close());
dialog.addEventListener('close', () => { if (opener && opener.isConnected && !dialog.open) opener.focus(); });
