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
  return new Date(ms).toLocaleDateString();
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
