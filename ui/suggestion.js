// "Suggested: Reason › Sub reason" beside the Case Reason field, with "Use". Shown only while the
// user has not picked a reason (or, for the suggested reason, its sub reason): it never changes a
// choice the user made.

import { h, replace } from './dom.js';

const box = document.getElementById('reason-suggestion');

/**
 * `suggestion` from a full check (undefined: this check did not look, keep what is shown);
 * `chosen` the reason and sub reason in the fields; `use` applies the suggestion.
 */
export function render(suggestion, chosen, use) {
  if (suggestion === undefined) return;
  const s = suggestion;
  const show = s && (chosen.reasonId == null
    || (chosen.reasonId === s.reasonId && chosen.subReasonId == null && s.subReasonId != null));
  box.hidden = !show;
  if (!show) {
    replace(box);
    return;
  }
  box.dataset.reason = s.reason;
  box.dataset.subReason = s.subReason || '';
  const label = s.subReason ? `${s.reason} › ${s.subReason}` : s.reason;
  replace(box,
    h('span', {}, 'Suggested: ', h('strong', {}, label)),
    ' ',
    h('button', { type: 'button', 'data-testid': 'apply-suggestion', 'aria-label': `Use the suggested reason ${label}`, onclick: () => { box.hidden = true; use(s); } }, 'Use'));
}

export function clear() {
  box.hidden = true;
  replace(box);
}
