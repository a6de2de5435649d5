// Every element a module looks up by a literal id (`getElementById('…')`, or its `$('…')`
// shorthand) is in index.html: a renamed id in one place only throws while the module loads, and the
// page never starts (seen: a command's rename reaching the element ids).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ui = join(dirname(fileURLToPath(import.meta.url)), '..');
const html = readFileSync(join(ui, 'index.html'), 'utf8');
const ids = new Set([...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]));

test('every id a module looks up is in index.html', () => {
  const missing = [];
  for (const f of readdirSync(ui).filter((n) => n.endsWith('.js'))) {
    const src = readFileSync(join(ui, f), 'utf8');
    for (const m of src.matchAll(/(?:getElementById|\$)\('([^']+)'\)/g)) {
      if (!ids.has(m[1])) missing.push(`${f}: ${m[1]}`);
    }
  }
  assert.deepEqual(missing, []);
});
