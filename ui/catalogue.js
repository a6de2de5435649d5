// The reason catalogue as one kind of CJ account sees it: publishers and advertisers choose from
// different lists. Each reason and sub reason says whose list it is in ('both', 'publisher',
// 'advertiser'); a draft for no account (kind null) sees every entry. Pure: tested in Node.

/** Whether an entry for `audience` is in `kind`'s list ('' or null: every entry). */
export function fits(audience, kind) {
  return !kind || audience === 'both' || audience === kind;
}

/** `kind`'s list: its reasons, each with only the sub reasons that list has. */
export function listFor(all, kind) {
  return all.filter((r) => fits(r.audience, kind))
    .map((r) => ({ ...r, subReasons: r.subReasons.filter((s) => fits(s.audience, kind)) }));
}

/** "publishers’" / "advertisers’". */
export function listName(kind) {
  return kind === 'publisher' ? 'publishers’' : 'advertisers’';
}

/**
 * The editor's choices for a draft of `kind`: its list, plus the reason (and sub reason) the draft
 * has chosen when that is of the other list — kept and marked, so nothing the user chose vanishes;
 * the draft's checks say to choose again.
 */
export function choicesFor(all, kind, reasonId, subReasonId) {
  const list = listFor(all, kind);
  const chosen = all.find((r) => r.id === reasonId);
  if (!chosen) return list;
  const mark = (name) => `${name} (not in the ${listName(kind)} list)`;
  let shown = list.find((r) => r.id === reasonId);
  if (!shown) {
    shown = { ...chosen, name: mark(chosen.name), subReasons: [] };
    const at = all.indexOf(chosen);
    const before = list.findIndex((r) => all.findIndex((x) => x.id === r.id) > at);
    list.splice(before < 0 ? list.length : before, 0, shown);
  }
  const sub = chosen.subReasons.find((s) => s.id === subReasonId);
  if (sub && !shown.subReasons.some((s) => s.id === sub.id)) {
    shown.subReasons = [...shown.subReasons, { ...sub, name: mark(sub.name) }];
  }
  return list;
}
