// The only module that talks to Rust: every call to the shell, and what the shell has to tell the page.
// Errors arrive as {code, message, field?}; anything else is normalised to that shape.

// Tauri's IPC as the page's only door to Rust. `withGlobalTauri` is off, so WebKit does not parse
// and run Tauri's 41 KB global API bundle at every start for the one call the page makes.
const ipc = window.__TAURI_INTERNALS__;

// What the shell has to tell the page (see src-tauri/src/events.rs) comes from `next_events`, a call
// that waits until there is something: one request always pending, nothing evaluated in the page.
const handlers = new Map();
let pumping = false;

function on(kind, fn) {
  if (!handlers.has(kind)) handlers.set(kind, []);
  handlers.get(kind).push(fn);
  if (!pumping) {
    pumping = true;
    pump();
  }
}

async function pump() {
  for (;;) {
    let events = [];
    try {
      events = await call('next_events');
    } catch (_) {
      // The shell answers every call; should one fail, ask again a little later rather than spin.
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    for (const e of events) {
      for (const fn of handlers.get(e.kind) || []) {
        Promise.resolve().then(() => fn(e)).catch(() => {});
      }
    }
  }
}

function normalise(err) {
  if (err && typeof err === 'object' && typeof err.code === 'string') return err;
  return { code: 'internal', message: String(err && err.message ? err.message : err) };
}

async function call(cmd, args, options) {
  try {
    return await ipc.invoke(cmd, args, options);
  } catch (err) {
    throw normalise(err);
  }
}

// What the first screen needs, asked the moment this module runs: index.html loads it as an async
// module ahead of the others, so the shell answers while the rest of the page is still loading (its
// modules and their evaluation, ~20 ms here). `api.startUp()` hands the answers out once.
/** The drafts list's first page (pagedList's page size). */
export const FIRST_PAGE = 50;
const askFirstScreen = () => ({
  info: call('app_info'),
  reasons: call('list_reasons'),
  drafts: call('list_drafts', { limit: FIRST_PAGE, after: null }),
  asked: performance.now(),
});
let firstScreen = askFirstScreen();
for (const p of [firstScreen.info, firstScreen.reasons, firstScreen.drafts]) p.catch(() => {});

export const api = {
  /** The first screen's answers {info, reasons, drafts} (promises), asked at load; a second caller asks anew. */
  startUp() {
    const answers = firstScreen || askFirstScreen();
    firstScreen = null;
    return answers;
  },
  listDrafts: (limit, after, account) => call('list_drafts', { limit, after: after ?? null, account: account ?? null }),
  searchDrafts: (query) => call('search_drafts', { query }),
  searchEverything: (query, account) => call('search_everything', { query, account: account ?? null }),
  createDraft: () => call('create_draft'),
  openDraft: (id) => call('open_draft', { id }),
  // `known`: the key of the secrets report on the page; the answer leaves the report out when unchanged.
  checkDraft: (id, input, known = null) => call('check_draft', { id, input, known }),
  saveDraft: (id, input) => call('save_draft', { id, input }),
  exportCase: (subject, format, confirmed) => call('export_case', { subject, format, confirmed }),
  redactSecrets: (id, input, which) => call('redact_secrets', { id, input, which }),
  markNotSecret: (id, input, finding) => call('mark_not_secret', { id, input, finding }),
  trashDraft: (id) => call('trash_draft', { id }),
  restoreDraft: (id) => call('restore_draft', { id }),
  attachPaths: (draftId, paths) => call('attach_paths', { draftId, paths }),
  pickAttachments: (draftId) => call('pick_attachments', { draftId }),
  removeAttachment: (draftId, attachmentId) => call('remove_attachment', { draftId, attachmentId }),
  /** The desktop clipboard's picture (read by the shell), attached as a PNG, or offered smaller. */
  pastePicture: (draftId) => call('paste_picture', { draftId }),
  /** The screen captured with Casedesk's window hidden, attached as a PNG. */
  captureScreen: (draftId) => call('capture_screen', { draftId }),
  /** Other programs' windows that may be captured: [{ id, title, app }], topmost first. */
  listWindows: () => call('list_windows'),
  /** One window brought forward and captured with Casedesk's window hidden, attached as a PNG. */
  captureWindow: (draftId, windowId) => call('capture_window', { draftId, windowId }),
  /**
   * Where the desktop chooses (listWindows answered capture_by_desktop, as under Wayland): its own
   * screenshot dialog picks a window or an area; attached as a PNG, or offered smaller.
   */
  captureWithDesktop: (draftId) => call('capture_with_desktop', { draftId }),
  /**
   * A paste or capture answered with `offer` (too large for CJ as a PNG): attach the version chosen,
   * 'jpeg' (full size) or 'scaled' (PNG), or null to drop it.
   */
  choosePictureSize: (draftId, token, choice) => call('choose_picture_size', { draftId, token, choice }),
  openPicture: (draftId, attachmentId) => call('open_picture', { draftId, attachmentId }),
  /** The picture's sent version as an ArrayBuffer (raw bytes over IPC). */
  pictureBytes: (draftId, attachmentId) => call('picture_bytes', { draftId, attachmentId }),
  /** The editor's save: the drawn PNG as the raw body, its marks in a header. */
  saveAnnotation: (args, bytes) => call('save_annotation', bytes, { headers: { 'x-casedesk-save': JSON.stringify(args) } }),
  listReasons: () => call('list_reasons'),
  addReason: (name, kind) => call('add_reason', { name, kind: kind || null }),
  setReasonAudience: (id, audience) => call('set_reason_audience', { id, audience }),
  setSubReasonAudience: (id, audience) => call('set_sub_reason_audience', { id, audience }),
  renameReason: (id, name) => call('rename_reason', { id, name }),
  moveReason: (id, by, kind) => call('move_reason', { id, by, kind: kind || null }),
  removeReason: (id) => call('remove_reason', { id }),
  addSubReason: (reasonId, name, kind) => call('add_sub_reason', { reasonId, name, kind: kind || null }),
  renameSubReason: (id, name) => call('rename_sub_reason', { id, name }),
  moveSubReason: (id, by, kind) => call('move_sub_reason', { id, by, kind: kind || null }),
  removeSubReason: (id) => call('remove_sub_reason', { id }),
  exportReasonsToFile: (kind) => call('export_reasons_to_file', { kind: kind || null }),
  importReasonsFromFile: (kind) => call('import_reasons_from_file', { kind: kind || null }),
  descriptionTemplate: (reasonId) => call('description_template', { reasonId: reasonId ?? null }),
  setReasonKeywords: (id, keywords) => call('set_reason_keywords', { id, keywords }),
  setSubReasonKeywords: (id, keywords) => call('set_sub_reason_keywords', { id, keywords }),
  setReasonTemplate: (id, template) => call('set_reason_template', { id, template }),
  getSettings: () => call('get_settings'),
  /** `secrets` = { formSecrets?: {inputId: secret}, sourceSecrets?: {sourceKey: {accountId: secret}} }: each goes to the system keyring; empty keeps the stored one. */
  saveSettings: (preferences, secrets) => call('save_settings', { preferences, secrets }),
  /** `typed` = {inputId: secret} just typed in a filer's form (tried before the stored ones, never saved). */
  testConnection: (preferences, typed) => call('test_connection', { preferences, typed }),
  /** "Test" of one account of a source (`settings`: that account's as the page holds them; `secret`: typed, or null for the stored one): the source's report. */
  testSourceConnection: (source, settings, secret, account) => call('test_source_connection', { source, settings, secret, account }),
  /** OAuth: opens the provider's page in the browser and resolves once it redirected back (or fails). */
  /** OAuth sign-in of one account of a source (`source`: its key, 'mail'; `settings`: that account's settings as the page holds them). */
  signIn: (source, settings, account) => call('sign_in', { source, settings, account }),
  signInCancel: () => call('sign_in_cancel'),
  /** The device flow: resolves to {userCode, verificationUri, expiresInSecs}; then `signInCodeWait`. */
  signInCode: (source, settings, account) => call('sign_in_code', { source, settings, account }),
  signInCodeWait: () => call('sign_in_code_wait'),
  signOut: (source, account) => call('sign_out', { source, account }),
  listCjAccounts: () => call('list_cj_accounts'),
  listCases: (limit, after, account) => call('list_cases', { limit, after: after ?? null, account: account ?? null }),
  openCase: (id) => call('open_case', { id }),
  submitDraft: (draftId) => call('submit_draft', { draftId }),
  handFiling: (draftId) => call('hand_filing', { draftId }),
  openFilingForm: () => call('open_filing_form'),
  showAttachments: (draftId) => call('show_attachments', { draftId }),
  recordCase: (draftId, caseNumber, subject, filer) => call('record_case', { draftId, caseNumber, subject, filer }),
  markSubmitted: (draftId) => call('mark_submitted', { draftId }),
  linkCase: (caseId, draftId) => call('link_case', { caseId, draftId }),
  unlinkCase: (caseId) => call('unlink_case', { caseId }),
  dismissCase: (caseId) => call('dismiss_case', { caseId }),
  /** What the Cases view shows of each source, by its key ({mail: {enabled, accounts, counts}}). */
  followState: () => call('follow_state'),
  /** The file chooser for what the sources read (.eml today); one result per file. */
  importFiles: () => call('import_files'),
  importFilePaths: (paths) => call('import_file_paths', { paths }),
  setCaseStatus: (caseId, status) => call('set_case_status', { caseId, status }),
  setCaseMuted: (caseId, muted) => call('set_case_muted', { caseId, muted }),
  watchCase: (caseId) => call('watch_case', { caseId }),
  checkNow: () => call('check_now'),
  listOutbox: () => call('list_outbox'),
  retryOutbox: (itemId) => call('retry_outbox', { itemId }),
  takeBackOutbox: (itemId) => call('take_back_outbox', { itemId }),
  discardOutbox: (itemId) => call('discard_outbox', { itemId }),
  openCaseInBrowser: (caseId) => call('open_case_in_browser', { caseId }),
  copyText: (text) => call('copy_text', { text }),
  quitApp: () => call('quit_app'),
  keepRunningInTray: () => call('keep_running_in_tray'),
  showWindow: () => call('show_window'),
  reportReady: (marks) => call('report_ready', { marks }),

  /** The database failed its check after start: cb gets the error to show. */
  onStoreProblem(cb) {
    on('store-problem', (e) => cb(e.problem));
  },

  /** Case events from the poller: kind is 'changed' (with the change) or 'refreshed'. */
  onCaseEvents(cb) {
    on('case-changed', (e) => cb({ kind: 'changed', change: e.change }));
    on('cases-refreshed', () => cb({ kind: 'refreshed' }));
  },

  /** The tray's Quit: cb runs, then the app exits. */
  onQuitRequested(cb) {
    on('quit-requested', async () => {
      try { await cb(); } finally { await call('quit_app'); }
    });
  },
  /** macOS's Casedesk → Settings… (Cmd+,). */
  onOpenSettings(cb) {
    on('open-settings', () => cb());
  },
  systemInfo: () => call('system_info'),

  /** Files dropped on the window: cb({paths}) on drop, cb({hover: bool}) while dragging. */
  onFileDrop(cb) {
    on('drop', (e) => cb({ paths: e.paths || [] }));
    on('drag-hover', (e) => cb({ hover: e.hover }));
  },

  /** Closes the window the way the window manager's close button does (so `beforeClose` runs). */
  closeWindow: () => ipc.invoke('plugin:window|close', { label: ipc.metadata.currentWindow.label }),

  /**
   * Runs `flush` before the window closes. When `keepRunning()` says so (a provider is being polled),
   * the window hides to the tray instead of closing, and polling goes on. (The shell closes it
   * anyway should no answer come within 10 s.)
   */
  beforeClose(flush, keepRunning) {
    on('close-requested', async (e) => {
      try {
        await flush();
      } catch (_) {
        // The text stays in the window's last save attempt; closing must not hang.
      }
      let keep = false;
      try { keep = await keepRunning(); } catch (_) { keep = false; }
      await call('finish_close', { seq: e.seq, keep });
    });
  },
};
