#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| casedesk_core::fuzzing::rt_page(data));
