use casedesk_e2e::*;
use serde_json::json;
#[test]
fn smoke_page_loads() {
    let desktop = Desktop::start();
    let data = desktop.dir.path().join("data");
    let app = desktop.launch(&data);
    std::thread::sleep(std::time::Duration::from_secs(3));
    let v = app.exec("return {href: location.href, sheets: document.styleSheets.length, bg: getComputedStyle(document.body).backgroundColor, started: document.body.dataset.started, tauri: typeof window.__TAURI__, csp: (document.querySelector('meta[http-equiv]')||{}).content}", json!([]));
    eprintln!("{v}");
    let v = app.post_async("import('./app.js').then(()=>'ok').catch(e=>String(e))");
    eprintln!("{v}");
    app.quit();
}
