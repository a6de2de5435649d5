fn main() {
    // The UI is embedded at compile time; tauri-build only tracks its config, so track the assets too.
    println!("cargo:rerun-if-changed=../ui");
    tauri_build::build()
}
