// Building DOM from data. Text is always set as text: nothing from the user or a server becomes HTML.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value') el.value = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const byTestId = (id, root = document) => root.querySelector(`[data-testid="${id}"]`);

/** A search snippet whose matches are wrapped in U+0002 … U+0003, as text nodes and <mark>s. */
export function snippetNodes(snippet) {
  const out = [];
  const parts = String(snippet).split(/(\u0002[^\u0003]*\u0003)/);
  for (const p of parts) {
    if (p.startsWith('\u0002')) out.push(h('mark', {}, p.slice(1, -1)));
    else if (p) out.push(p);
  }
  return out;
}

export function formatSize(bytes) {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

export function formatWhen(ms, now = Date.now()) {
  const s = Math.round((now - ms) / 1000);
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return formatDate(ms);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n) => String(n).padStart(2, '0');

// Dates and numbers are formatted here rather than with toLocale*(): those load ICU's locale data
// into the page (~4 MB of the window's memory, measured) to print a date in a list.

/** "14 Nov 2023", in local time. */
export function formatDate(ms) {
  const d = new Date(ms);
  return `${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}`;
}

/** "14 Nov 2023, 09:05", in local time. */
export function formatDateTime(ms) {
  const d = new Date(ms);
  return `${formatDate(ms)}, ${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

/** 32000 → "32,000". */
export function formatCount(n) {
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function debounce(fn, ms) {
  let t = null;
  const d = (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
  d.cancel = () => clearTimeout(t);
  return d;
}

/**
 * A newest-first list shown a page at a time, so a store of 10,000 drafts costs the window what 50 do.
 * `fetch(limit, after)` answers rows; `cursorOf(row)` gives the `{ at, id }` the next page starts after.
 * A "Show more" button ends a full page. (It does not load by itself when scrolled into view: a row
 * appearing where the button was would take the click meant for it.)
 * `refresh()` reloads as many rows as are shown (at least a page), so a save does not shrink the list.
 */
export function pagedList({ listEl, fetch, render, cursorOf, empty, pageSize = 50, max = 1000, testid }) {
  let shown = [];
  let loading = null;

  function moreButton() {
    const b = h('button', { type: 'button', class: 'show-more', 'data-testid': `${testid}-more`, onclick: () => more() }, `Show ${pageSize} more`);
    return h('li', { class: 'more' }, b);
  }

  const firstLimit = () => Math.min(max, Math.max(pageSize, shown.length));

  /** Draws `rows`, the answer to a first-page fetch of `firstLimit()` rows. */
  function draw(rows, limit = firstLimit()) {
    shown = rows;
    if (rows.length) replace(listEl, rows.map(render), rows.length === limit ? moreButton() : null);
    else replace(listEl, empty());
    return rows;
  }

  async function refresh() {
    const limit = firstLimit();
    return draw(await fetch(limit, null), limit);
  }

  async function more() {
    if (loading || !shown.length) return loading;
    loading = (async () => {
      try {
        const rows = await fetch(pageSize, cursorOf(shown[shown.length - 1]));
        shown = shown.concat(rows);
        const tail = listEl.querySelector(':scope > li.more');
        const added = rows.map(render);
        tail?.before(...added);
        if (rows.length < pageSize && tail) {
          const hadFocus = tail.contains(document.activeElement);
          tail.remove();
          if (hadFocus) added[0]?.querySelector('button')?.focus({ preventScroll: true });
        }
      } finally {
        loading = null;
      }
    })();
    return loading;
  }

  return { refresh, more, draw };
}
