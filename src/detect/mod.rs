//! Detectors backed by data in `rules/`: secret patterns, the sensitive-field
//! dictionary and the connector catalog. Loaded once, shared by all scans.

pub mod connectors;
pub mod fields;
pub mod secrets;

use crate::model::App;
use crate::policy::Policy;

/// Fill in what parsers leave to the detectors (field classification).
pub fn enrich(apps: &mut [App], policy: &Policy) {
    for app in apps {
        for field in &mut app.fields {
            if field.classification.is_none() {
                field.classification = fields::classify_name(&field.name, policy);
            }
        }
    }
}
