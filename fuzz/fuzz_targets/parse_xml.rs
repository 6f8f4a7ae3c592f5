//! Structurally valid XML of a platform's shape (Salesforce Flow metadata,
//! Power Platform solution.xml / customizations.xml): a fixture with
//! fuzzer-chosen element edits, scanned under its own name.
#![no_main]

use arbitrary::Unstructured;
use lcscan_fuzz::{apply_xml_edit, pick, policy, scan_and_check, XmlEdit, XmlNode, XML_TEMPLATES};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Some((name, template)) = pick(&mut u, XML_TEMPLATES) else {
        return;
    };
    let Ok(text) = std::str::from_utf8(template) else {
        return;
    };
    let Ok(doc) = roxmltree::Document::parse(text) else {
        return;
    };
    let Some(mut root) = XmlNode::from_doc(&doc) else {
        return;
    };
    let mut names = Vec::new();
    root.names(&mut names);
    let policy_choice: u8 = u.arbitrary().unwrap_or(0);
    let edits: Vec<XmlEdit> = u.arbitrary().unwrap_or_default();
    for edit in edits.iter().take(16) {
        apply_xml_edit(&mut root, &names, edit);
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    root.write(&mut out);
    // Every generated document must itself be well-formed XML.
    assert!(
        roxmltree::Document::parse(&out).is_ok(),
        "generator wrote bad XML"
    );
    scan_and_check(out.as_bytes(), name, &policy(policy_choice));
});
