//! Structurally valid JSON of a platform's shape: a fixture export with
//! fuzzer-chosen edits (values replaced, keys inserted, nodes removed or
//! repeated), scanned under fuzzer-chosen names and policies.
#![no_main]

use arbitrary::Unstructured;
use lcscan_fuzz::{
    apply_json_edit, pick, policy, scan_and_check, JsonEdit, FILE_NAMES, JSON_TEMPLATES,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Some((template_name, template)) = pick(&mut u, JSON_TEMPLATES) else {
        return;
    };
    let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(template) else {
        return;
    };
    let rename: u8 = u.arbitrary().unwrap_or(0);
    let policy_choice: u8 = u.arbitrary().unwrap_or(0);
    let edits: Vec<JsonEdit> = u.arbitrary().unwrap_or_default();
    for edit in edits.iter().take(16) {
        apply_json_edit(&mut value, edit);
    }
    let name = if rename < 200 {
        template_name
    } else {
        FILE_NAMES
            .get(usize::from(rename) % FILE_NAMES.len())
            .copied()
            .unwrap_or(template_name)
    };
    let pretty = rename % 2 == 0;
    let bytes = if pretty {
        serde_json::to_vec_pretty(&value)
    } else {
        serde_json::to_vec(&value)
    };
    if let Ok(bytes) = bytes {
        scan_and_check(&bytes, name, &policy(policy_choice));
    }
});
