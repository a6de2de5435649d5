// The annotation editor: box, arrow, text, numbered markers, redaction and crop on a canvas, whose
// result the shell checks again and redacts and crops in Rust. Redactions and the crop are sent as
// areas too, so what is blacked out or cut away here is so in the file whatever the canvas did.

import { api } from './api.js';
import { replace } from './dom.js';


const dialog = document.getElementById('annotate-dialog');
const canvas = document.getElementById('annotation-canvas');
const status = document.getElementById('annotation-status');
const textInput = document.getElementById('annotation-text');
const redactStyle = document.getElementById('redact-style');
const ctx = canvas.getContext('2d');
const TOOLS = ['box', 'arrow', 'text', 'marker', 'redact', 'crop'];
const KEYS = { b: 'box', a: 'arrow', t: 'text', n: 'marker', r: 'redact', c: 'crop' };
// The smallest side a crop keeps (the core's picture::crop::MIN_SIDE).
const MIN_CROP = 8;
const COLOUR = '#e5293b';

let session = null; // { draftId, info, image, marks, undone, tool, drag, resolve, pixels, region }

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

/** The area kept: the last crop drawn, clipped to the picture; null keeps it all. */
function cropArea(marks) {
  const m = [...marks].reverse().find((k) => k.type === 'crop');
  if (!m) return null;
  const r = normal(m);
  const x = Math.max(0, Math.min(r.x, canvas.width));
  const y = Math.max(0, Math.min(r.y, canvas.height));
  const width = Math.min(r.x + r.w, canvas.width) - x;
  const height = Math.min(r.y + r.h, canvas.height) - y;
  return width >= MIN_CROP && height >= MIN_CROP ? { x, y, width, height } : null;
}

// What is cut away, dimmed, and the kept area framed: on the screen only, never in the saved PNG.
function drawCrop(c) {
  const line = Math.max(2, Math.round(canvas.width / 600));
  ctx.save();
  ctx.fillStyle = 'rgba(0,0,0,0.55)';
  ctx.beginPath();
  ctx.rect(0, 0, canvas.width, canvas.height);
  ctx.rect(c.x, c.y, c.width, c.height);
  ctx.fill('evenodd');
  ctx.strokeStyle = '#fff';
  ctx.lineWidth = line;
  ctx.setLineDash([line * 4, line * 3]);
  ctx.strokeRect(c.x, c.y, c.width, c.height);
  ctx.restore();
}

const counts = (marks) => {
  const redactions = marks.filter((m) => m.type === 'redact').length;
  const crop = cropArea(marks);
  return { redactions, crop, annotations: marks.filter((m) => m.type !== 'redact' && m.type !== 'crop').length + (crop ? 1 : 0) };
};

function redraw(exporting = false) {
  ctx.drawImage(session.image, 0, 0);
  let n = 0;
  const all = session.drag ? [...session.marks, session.drag] : session.marks;
  for (const m of all) if (m.type !== 'redact' && m.type !== 'crop') drawMark(m, m.type === 'marker' ? ++n : n);
  // Redactions last, on top of every mark, as the core applies them.
  for (const m of all) if (m.type === 'redact') drawRedaction(m);
  const shownCrop = cropArea(all);
  if (shownCrop && !exporting) drawCrop(shownCrop);
  const { redactions, crop, annotations } = counts(session.marks);
  const marks = annotations - (crop ? 1 : 0);
  status.textContent = `${marks} mark${marks === 1 ? '' : 's'}, ${redactions} redaction${redactions === 1 ? '' : 's'}`
    + (crop ? ` · keeps ${crop.width} × ${crop.height} at ${crop.x}, ${crop.y} of` : ' ·')
    + ` ${session.info.width} × ${session.info.height}, shown at ${Math.round((canvas.clientWidth / canvas.width) * 100) || 100}%`;
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
    if (m.w !== undefined) { m.w = canvas.width / 2; m.h = m.type === 'crop' ? canvas.height / 2 : canvas.height / 8; }
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
  const { annotations, crop } = counts(s.marks);
  let bytes = new Uint8Array(0);
  if (s.marks.length) {
    redraw(true);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
    bytes = new Uint8Array(await blob.arrayBuffer());
  }
  try {
    const list = await api.saveAnnotation({
      draftId: s.draftId, attachmentId: s.info.attachment.id, sha256: s.info.attachment.sha256, annotations, redactions,
      ...(crop ? { crop } : {}),
    }, bytes);
    close(list);
  } catch (err) {
    replace(errorBox, err.message);
  }
}

/**
 * Opens the editor on a picture; resolves to the draft's attachments after a save, or null.
 * `region`: a fresh capture whose area to keep is chosen first (the crop tool is picked).
 */
export async function annotate(draftId, attachment, { region = false } = {}) {
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
  replace(document.getElementById('annotation-title'), region ? 'Drag over the region to keep' : `Annotate ${attachment.name}`);
  replace(document.getElementById('annotation-error'));
  return new Promise((resolve) => {
    session = { draftId, info, image, url, pixels, marks: [], undone: [], tool: 'redact', drag: null, resolve, region };
    setTool(region ? 'crop' : 'redact');
    dialog.showModal();
    redraw();
    canvas.focus();
  });
}
