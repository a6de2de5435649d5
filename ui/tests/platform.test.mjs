// The page's per-OS choices (ui/platform.js), run by `node --test ui/tests/` in `make test`: the
// Linux e2e suite cannot show a Mac's Cmd key or a Windows font.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { osOf, isShortcut, hintText, ariaShortcut } from '../platform.js';

test('the OS is read from the web view', () => {
  assert.equal(osOf('MacIntel'), 'macos');
  assert.equal(osOf('macOS'), 'macos');
  assert.equal(osOf('Win32'), 'windows');
  assert.equal(osOf('Windows'), 'windows');
  assert.equal(osOf('Linux x86_64'), 'linux');
  assert.equal(osOf(''), 'linux');
});

test('shortcuts take Cmd on macOS and Ctrl elsewhere, never the other', () => {
  const key = (ctrlKey, metaKey) => ({ ctrlKey, metaKey });
  assert.equal(isShortcut(key(false, true), 'macos'), true, 'Cmd+N on a Mac');
  assert.equal(isShortcut(key(true, false), 'macos'), false, 'Ctrl+N moves the caret on a Mac');
  assert.equal(isShortcut(key(true, false), 'windows'), true);
  assert.equal(isShortcut(key(false, true), 'windows'), false, 'the Windows key is not Ctrl');
  assert.equal(isShortcut(key(true, false), 'linux'), true);
});

test('hints name the key the user presses', () => {
  assert.equal(hintText('New draft (Ctrl+N). Ctrl+W closes the window after saving.', 'macos'),
    'New draft (⌘N). ⌘W closes the window after saving.');
  assert.equal(hintText('Search drafts and cases (Ctrl+F)', 'windows'), 'Search drafts and cases (Ctrl+F)');
  assert.equal(ariaShortcut('Control+N', 'macos'), 'Meta+N');
  assert.equal(ariaShortcut('Control+N', 'linux'), 'Control+N');
});
