// The baseline's finish line: its first IPC, once something is on screen.
requestAnimationFrame(() => window.__TAURI__.core.invoke('report_ready'));
