//! Which OS secret store holds the sign-ins, by name, for the messages a user reads. The store itself
//! is the `keyring` crate's backend for each OS (features `sync-secret-service`, `windows-native`,
//! `apple-native`: each is inert elsewhere). Without them keyring 3 quietly falls back to a store in
//! memory, and every sign-in would vanish at exit: `tests::a_secret_survives_a_restart_of_the_process`
//! proves the real one is used where this build runs.

/// The secret store, as the user knows it.
#[cfg(target_os = "linux")]
pub const NAME: &str = "the Secret Service (GNOME Keyring, KWallet)";
#[cfg(windows)]
pub const NAME: &str = "Windows Credential Manager";
#[cfg(target_os = "macos")]
pub const NAME: &str = "the macOS Keychain";
#[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
pub const NAME: &str = "the system's secret store";

/// What to check when it cannot be used.
#[cfg(target_os = "linux")]
pub const HINT: &str = "Is a keyring (e.g. GNOME Keyring) running and unlocked?";
#[cfg(windows)]
pub const HINT: &str = "Is Credential Manager available to your Windows account?";
#[cfg(target_os = "macos")]
pub const HINT: &str = "Is your login keychain unlocked, and was Casedesk allowed to use it?";
#[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
pub const HINT: &str = "Is it running and unlocked?";

#[cfg(all(test, not(target_os = "linux")))]
mod tests {
    //! On Linux the end-to-end suite proves the same against a real GNOME Keyring (a restart of the
    //! app keeps the mail password); here the test re-runs its own binary, once to write and once to
    //! read, so the secret crosses a real process exit.
    use casedesk_core::secrets::Secrets;

    const SERVICE: &str = "com.casedesk.desktop.test-restart";
    const STEP: &str = "CASEDESK_SECRET_STEP";

    fn child(step: &str) -> std::process::Output {
        std::process::Command::new(std::env::current_exe().expect("the test binary"))
            .args([
                "--exact",
                "platform::secret_store::tests::a_secret_survives_a_restart_of_the_process",
                "--nocapture",
            ])
            .env(STEP, step)
            .output()
            .expect("the test binary runs again")
    }

    #[test]
    fn a_secret_survives_a_restart_of_the_process() {
        let store = crate::native::KeyringSecrets::new(SERVICE);
        match std::env::var(STEP).as_deref() {
            Ok("write") => store.set("probe", "s3cret-✓").expect("written"),
            Ok("read") => assert_eq!(
                store.get("probe").expect("read").as_deref(),
                Some("s3cret-✓"),
                "the secret written by the last process is still there"
            ),
            _ => {
                store.delete("probe").expect("a clean start");
                for step in ["write", "read"] {
                    let out = child(step);
                    assert!(
                        out.status.success(),
                        "{step} in a new process failed: {}{}",
                        String::from_utf8_lossy(&out.stdout),
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
                store.delete("probe").expect("cleaned up");
                assert_eq!(store.get("probe").unwrap(), None, "and it can be removed");
            }
        }
    }
}
