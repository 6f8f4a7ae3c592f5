//! Sensitive field names (placeholder API; the dictionary lives in `rules/`).

use crate::model::FieldClass;
use crate::policy::Policy;

/// Classify a field name, e.g. `customerEmail` → pii / e-mail address.
pub fn classify_name(name: &str, policy: &Policy) -> Option<FieldClass> {
    if let Some(category) = policy.sensitive_fields.get(name) {
        return Some(FieldClass {
            category: category.clone(),
            label: name.to_string(),
        });
    }
    None
}
