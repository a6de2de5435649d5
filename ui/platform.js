// What differs per OS in the page: the shortcut modifier (Cmd on macOS, Ctrl elsewhere), the hints
// that name it, and the `data-os` attribute the stylesheet picks the platform's UI font by. Pure
// functions of the user agent, so they are tested outside the app (ui/tests/platform.test.mjs).

/** 'macos', 'windows' or 'linux', from the web view's user agent / platform string. */
export function osOf(platform) {
  const p = String(platform || '');
  if (/Mac|iPhone|iPad/i.test(p)) return 'macos';
  if (/Win/i.test(p)) return 'windows';
  return 'linux';
}

/** Whether a keydown carries the shortcut modifier: Cmd alone on macOS (Ctrl+N there moves the
 *  caret in a text field), Ctrl alone elsewhere. */
export function isShortcut(e, os) {
  return os === 'macos' ? e.metaKey && !e.ctrlKey : e.ctrlKey && !e.metaKey;
}

/** A hint's text for this OS: "Ctrl+N" becomes "⌘N" on macOS. */
export function hintText(text, os) {
  if (os !== 'macos') return text;
  return String(text).replace(/Ctrl\+(\S)/g, '⌘$1');
}

/** An `aria-keyshortcuts` value for this OS: "Control+N" becomes "Meta+N" on macOS. */
export function ariaShortcut(value, os) {
  return os === 'macos' ? String(value).replace(/Control\+/g, 'Meta+') : value;
}

/** The OS this page runs on. */
export const OS = osOf(typeof navigator === 'undefined' ? '' : (navigator.userAgentData?.platform || navigator.platform || navigator.userAgent));

/** Marks the document with its OS and rewrites the hints in it (titles, placeholders, text). */
export function applyToDocument(doc, os = OS) {
  doc.documentElement.dataset.os = os;
  if (os !== 'macos') return;
  for (const el of doc.querySelectorAll('[aria-keyshortcuts]')) {
    el.setAttribute('aria-keyshortcuts', ariaShortcut(el.getAttribute('aria-keyshortcuts'), os));
  }
  for (const el of doc.querySelectorAll('[title*="Ctrl+"], [placeholder*="Ctrl+"]')) {
    if (el.title) el.title = hintText(el.title, os);
    if (el.placeholder) el.placeholder = hintText(el.placeholder, os);
  }
  for (const el of doc.querySelectorAll('[data-shortcut-hint]')) {
    for (const node of el.childNodes) {
      if (node.nodeType === 3) node.nodeValue = hintText(node.nodeValue, os);
    }
  }
}
