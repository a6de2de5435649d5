//! Containing a bug: work on bytes from outside runs inside [`contained`], so a mail or a file that
//! trips a bug in a reader costs that one item — recorded and skipped, never read again — and never
//! the app (the release build unwinds on panic; see ARCHITECTURE.md, "Panics").

use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs `f`; a panic inside it is logged with `what` and answered as `None`.
pub fn contained<T>(what: &str, f: impl FnOnce() -> T) -> Option<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => Some(v),
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic".into());
            tracing::error!(what, %message, "a bug was contained; the item is skipped");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_contained_and_a_value_passes() {
        assert_eq!(contained("two", || 2), Some(2));
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let none: Option<u8> = contained("boom", || panic!("a bug"));
        std::panic::set_hook(hook);
        assert_eq!(none, None);
    }
}
