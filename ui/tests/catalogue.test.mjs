// The reason catalogue as one kind of CJ account sees it (ui/catalogue.js): the editor offers the
// draft's kind's list and keeps a choice from the other list, marked, so nothing the user chose vanishes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fits, listFor, choicesFor } from '../catalogue.js';

const all = [
  { id: 1, name: 'Tracking', audience: 'both', subReasons: [
    { id: 11, name: 'Tag Not Firing', audience: 'advertiser' },
    { id: 12, name: 'Links', audience: 'publisher' },
    { id: 13, name: 'Missing Conversions', audience: 'both' }] },
  { id: 2, name: 'Creatives', audience: 'advertiser', subReasons: [] },
  { id: 3, name: 'Other', audience: 'both', subReasons: [] },
];

test('an entry is in its own list and in both; no kind sees every entry', () => {
  assert.ok(fits('both', 'publisher'));
  assert.ok(fits('publisher', 'publisher'));
  assert.ok(!fits('advertiser', 'publisher'));
  assert.ok(fits('advertiser', null));
  assert.ok(fits('advertiser', ''));
});

test('a kind\'s list has only its reasons and, under each, only its sub reasons', () => {
  const p = listFor(all, 'publisher');
  assert.deepEqual(p.map((r) => r.id), [1, 3]);
  assert.deepEqual(p[0].subReasons.map((s) => s.id), [12, 13]);
  assert.deepEqual(listFor(all, null).map((r) => r.id), [1, 2, 3]);
  assert.equal(all[0].subReasons.length, 3, 'the catalogue itself is not changed');
});

test('a choice from the other list is kept in its place, marked', () => {
  const c = choicesFor(all, 'publisher', 2, null);
  assert.deepEqual(c.map((r) => r.id), [1, 2, 3]);
  assert.match(c[1].name, /Creatives \(not in the publishers’ list\)/);
  const s = choicesFor(all, 'publisher', 1, 11);
  assert.deepEqual(s[0].subReasons.map((x) => x.id), [12, 13, 11]);
  assert.match(s[0].subReasons[2].name, /Tag Not Firing \(not in the publishers’ list\)/);
  assert.deepEqual(choicesFor(all, 'advertiser', 1, 11)[0].subReasons.map((x) => x.id), [11, 13]);
});
