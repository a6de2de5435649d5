// Every module the page loads parses as an ES module: a syntax error in one of them stops the whole
// page at start, which only the end-to-end tests would otherwise see (minutes later).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const ui = join(dirname(fileURLToPath(import.meta.url)), '..');

test('every ui module parses', () => {
  const dir = mkdtempSync(join(tmpdir(), 'casedesk-ui-syntax-'));
  try {
    const files = readdirSync(ui).filter((f) => f.endsWith('.js'));
    assert.ok(files.length > 5, `modules found: ${files}`);
    for (const f of files) {
      const copy = join(dir, f.replace(/\.js$/, '.mjs'));
      copyFileSync(join(ui, f), copy);
      const r = spawnSync(process.execPath, ['--check', copy], { encoding: 'utf8', timeout: 20000 });
      assert.equal(r.status, 0, `${f}: ${r.stderr}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
