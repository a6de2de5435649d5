// Pictures on a draft: paste (Ctrl+V / Cmd+V), "Take screenshot…", and the annotation editor (box,
// arrow, text, numbered markers, redaction), whose result the shell checks again and redacts in Rust.
// The editor draws on a canvas; redactions are sent as areas too, so what is blacked out here is
// blacked out in the file whatever the canvas did.

import { api } from './api.js';
import { h, replace } from './dom.js';

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

// ---- The annotation editor ----------------------------------------------------------------------

const dialog = document.getElementById('annotate-dialog');
const canvas = document.getElementById('annotation-canvas');
const status = document.getElementById('annotation-status');
const textInput = document.getElementById('annotation-text');
const redactStyle = document.getElementById('redact-style');
const ctx = canvas.getContext('2d');
const TOOLS = ['box', 'arrow', 'text', 'marker', 'redact'];
const KEYS = { b: 'box', a: 'arrow', t: 'text', n: 'marker', r: 'redact' };
const COLOUR = '#e5293b';

let session = null; // { draftId, info, image, marks, undone, tool, drag, resolve, pixels }

function block(m) {
  return Math.max(20, Math.ceil(Math.max(m.w, m.h) / 10));
}

function normal(m) {
  const x = Math.min(m.x, m.x + m.w);
  const y = Math.min(m.y, m.y + m.h);
  return { ...m, x: Math.round(x), y: Math.round(y), w: Math.round(Math.abs(m.w)), h: Math.round(Math.abs(m.h)) };
}

function drawMark(m, n) {
  const line = Math.max(3, Math.round(canvas.width / 400));
  ctx.save();
  ctx.strokeStyle = COLOUR;
  ctx.fillStyle = COLOUR;
  ctx.lineWidth = line;
  if (m.type === 'box') {
    ctx.strokeRect(m.x, m.y, m.w, m.h);
  } else if (m.type === 'arrow') {
    const x2 = m.x + m.w;
    const y2 = m.y + m.h;
    const angle = Math.atan2(m.h, m.w);
    const head = line * 5;
    ctx.beginPath();
    ctx.moveTo(m.x, m.y);
    ctx.lineTo(x2, y2);
    ctx.stroke();
    ctx.beginPath();
    ctx.moveTo(x2, y2);
    ctx.lineTo(x2 - head * Math.cos(angle - 0.4), y2 - head * Math.sin(angle - 0.4));
    ctx.lineTo(x2 - head * Math.cos(angle + 0.4), y2 - head * Math.sin(angle + 0.4));
    ctx.closePath();
    ctx.fill();
  } else if (m.type === 'text') {
    ctx.font = `bold ${line * 8}px sans-serif`;
    ctx.textBaseline = 'top';
    ctx.fillText(m.text, m.x, m.y);
  } else if (m.type === 'marker') {
    const r = line * 5;
    ctx.beginPath();
    ctx.arc(m.x, m.y, r, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = '#fff';
    ctx.font = `bold ${Math.round(r * 1.2)}px sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(String(n), m.x, m.y + 1);
  }
  ctx.restore();
}

// The same blocks as the core's redact::apply (mean colour of the picture's own pixels).
function drawRedaction(m) {
  const r = normal(m);
  if (r.w < 1 || r.h < 1) return;
  if (m.style === 'solid') {
    ctx.fillStyle = '#000';
    ctx.fillRect(r.x, r.y, r.w, r.h);
    return;
  }
  const b = block(r);
  const src = session.pixels;
  const W = canvas.width;
  for (let by = r.y; by < r.y + r.h; by += b) {
    for (let bx = r.x; bx < r.x + r.w; bx += b) {
      const ex = Math.min(bx + b, r.x + r.w, W);
      const ey = Math.min(by + b, r.y + r.h, canvas.height);
      let s0 = 0; let s1 = 0; let s2 = 0; let n = 0;
      for (let y = by; y < ey; y++) {
        for (let x = bx; x < ex; x++) {
          const i = (y * W + x) * 4;
          s0 += src[i]; s1 += src[i + 1]; s2 += src[i + 2]; n++;
        }
      }
      if (!n) continue;
      ctx.fillStyle = `rgb(${Math.floor(s0 / n)},${Math.floor(s1 / n)},${Math.floor(s2 / n)})`;
      ctx.fillRect(bx, by, ex - bx, ey - by);
    }
  }
}

function redraw() {
  ctx.drawImage(session.image, 0, 0);
  let n = 0;
  const all = session.drag ? [...session.marks, session.drag] : session.marks;
  for (const m of all) if (m.type !== 'redact') drawMark(m, m.type === 'marker' ? ++n : n);
  // Redactions last, on top of every mark, as the core applies them.
  for (const m of all) if (m.type === 'redact') drawRedaction(m);
  const redactions = session.marks.filter((m) => m.type === 'redact').length;
  status.textContent = `${session.marks.length - redactions} mark${session.marks.length - redactions === 1 ? '' : 's'}, ${redactions} redaction${redactions === 1 ? '' : 's'}`
    + ` · ${session.info.width} × ${session.info.height}, shown at ${Math.round((canvas.clientWidth / canvas.width) * 100) || 100}%`;
}

function setTool(tool) {
  session.tool = tool;
  for (const t of TOOLS) {
    const b = document.getElementById(`tool-${t}`);
    b.setAttribute('aria-pressed', String(t === tool));
  }
}

function add(mark) {
  session.marks.push(mark);
  session.undone = [];
  redraw();
}

function undo() {
  if (session.marks.length) session.undone.push(session.marks.pop());
  redraw();
}

function redo() {
  if (session.undone.length) session.marks.push(session.undone.pop());
  redraw();
}

// Pointer position in the picture's own pixels (the canvas is shown scaled to fit).
function at(e) {
  const r = canvas.getBoundingClientRect();
  const sx = canvas.width / r.width;
  const sy = canvas.height / r.height;
  return {
    x: Math.max(0, Math.min(canvas.width, (e.clientX - r.left) * sx)),
    y: Math.max(0, Math.min(canvas.height, (e.clientY - r.top) * sy)),
  };
}

function newMark(tool, p) {
  if (tool === 'text') return { type: 'text', x: p.x, y: p.y, text: textInput.value.trim() || 'Here' };
  if (tool === 'marker') return { type: 'marker', x: p.x, y: p.y };
  return { type: tool, x: p.x, y: p.y, w: 0, h: 0, style: redactStyle.value };
}

canvas.addEventListener('pointerdown', (e) => {
  if (!session) return;
  e.preventDefault();
  canvas.setPointerCapture?.(e.pointerId);
  const p = at(e);
  const m = newMark(session.tool, p);
  if (m.type === 'text' || m.type === 'marker') {
    add(m);
    return;
  }
  session.drag = m;
});

canvas.addEventListener('pointermove', (e) => {
  if (!session || !session.drag) return;
  const p = at(e);
  session.drag.w = p.x - session.drag.x;
  session.drag.h = p.y - session.drag.y;
  redraw();
});

canvas.addEventListener('pointerup', () => {
  if (!session || !session.drag) return;
  const m = session.drag;
  session.drag = null;
  if (Math.abs(m.w) >= 3 || Math.abs(m.h) >= 3) add(m.type === 'arrow' ? m : normal(m));
  else redraw();
});

// Keyboard: tools by letter, Enter adds one at the centre, arrows move (Shift: resize) the last one.
dialog.addEventListener('keydown', (e) => {
  if (!session || e.target === textInput) return;
  const k = e.key.toLowerCase();
  if ((e.ctrlKey || e.metaKey) && k === 'z') {
    e.preventDefault();
    if (e.shiftKey) redo(); else undo();
  } else if ((e.ctrlKey || e.metaKey) && k === 'y') {
    e.preventDefault();
    redo();
  } else if (!e.ctrlKey && !e.metaKey && !e.altKey && KEYS[k]) {
    setTool(KEYS[k]);
  } else if (k === 'enter' && e.target === canvas) {
    e.preventDefault();
    const c = { x: canvas.width / 4, y: canvas.height / 4 };
    const m = newMark(session.tool, c);
    if (m.w !== undefined) { m.w = canvas.width / 2; m.h = canvas.height / 8; }
    add(m);
  } else if (k.startsWith('arrow') && e.target === canvas && session.marks.length) {
    e.preventDefault();
    const m = session.marks[session.marks.length - 1];
    const step = Math.max(4, Math.round(canvas.width / 100));
    const dx = k === 'arrowleft' ? -step : k === 'arrowright' ? step : 0;
    const dy = k === 'arrowup' ? -step : k === 'arrowdown' ? step : 0;
    if (e.shiftKey && m.w !== undefined) { m.w = Math.max(4, m.w + dx); m.h = Math.max(4, m.h + dy); } else { m.x += dx; m.y += dy; }
    redraw();
  }
});

for (const t of TOOLS) document.getElementById(`tool-${t}`).addEventListener('click', () => session && setTool(t));
document.getElementById('annotation-undo').addEventListener('click', () => session && undo());
document.getElementById('annotation-redo').addEventListener('click', () => session && redo());
document.getElementById('annotation-cancel').addEventListener('click', () => close(null));
document.getElementById('annotation-save').addEventListener('click', () => save());
dialog.addEventListener('cancel', (e) => { e.preventDefault(); close(null); });

function close(result) {
  const s = session;
  session = null;
  dialog.close();
  if (s && s.url) URL.revokeObjectURL(s.url);
  if (s) s.resolve(result);
}

async function save() {
  if (!session) return;
  const s = session;
  const errorBox = document.getElementById('annotation-error');
  replace(errorBox);
  const redactions = s.marks.filter((m) => m.type === 'redact').map((m) => {
    const r = normal(m);
    return { x: r.x, y: r.y, width: Math.max(1, r.w), height: Math.max(1, r.h), style: m.style === 'solid' ? 'solid' : 'pixelate' };
  });
  const annotations = s.marks.length - redactions.length;
  let bytes = new Uint8Array(0);
  if (s.marks.length) {
    redraw();
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
    bytes = new Uint8Array(await blob.arrayBuffer());
  }
  try {
    const list = await api.saveAnnotation({
      draftId: s.draftId, attachmentId: s.info.attachment.id, sha256: s.info.attachment.sha256, annotations, redactions,
    }, bytes);
    close(list);
  } catch (err) {
    replace(errorBox, err.message);
  }
}

/** Opens the editor on a picture; resolves to the draft's attachments after a save, or null. */
export async function annotate(draftId, attachment) {
  if (session) return null;
  const info = await api.openPicture(draftId, attachment.id);
  const bytes = await api.pictureBytes(draftId, attachment.id);
  const url = URL.createObjectURL(new Blob([bytes], { type: attachment.kind === 'jpeg' ? 'image/jpeg' : 'image/png' }));
  const image = new Image();
  image.src = url;
  await image.decode();
  canvas.width = info.width;
  canvas.height = info.height;
  ctx.drawImage(image, 0, 0);
  const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  replace(document.getElementById('annotation-title'), `Annotate ${attachment.name}`);
  replace(document.getElementById('annotation-error'));
  return new Promise((resolve) => {
    session = { draftId, info, image, url, pixels, marks: [], undone: [], tool: 'redact', drag: null, resolve };
    setTool('redact');
    dialog.showModal();
    redraw();
    canvas.focus();
  });
}
