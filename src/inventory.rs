//! The inventory: what an export contains, independent of findings.

use std::collections::BTreeMap;

use crate::detect::connectors;
use crate::model::{Audience, Model};
use crate::policy::Policy;
use crate::report::{
    ConnectionItem, ConnectorItem, CredentialItem, EndpointItem, FieldItem, Inventory, SharingItem,
    TriggerItem,
};

/// Plain words for who can start an app through a trigger.
pub fn who_can_call(audience: Audience) -> &'static str {
    match audience {
        Audience::Anyone => "anyone on the internet",
        Audience::AnyoneWithLink => "anyone who has the link",
        Audience::Organisation => "signed-in people in your organisation",
        Audience::SpecificUsers => "only the people or groups named in the trigger",
        Audience::CredentialHolders => "callers who present the configured password or key",
        Audience::Internal => "only the platform (a schedule, an event, or you)",
        Audience::Unknown => "not stated in the export",
    }
}

/// Plain words for who has been given access through a sharing setting or role.
pub fn who_has_access(audience: Audience) -> &'static str {
    match audience {
        Audience::Anyone => "anyone on the internet, without signing in",
        Audience::AnyoneWithLink => "anyone who has the link",
        Audience::Organisation => "everyone in your organisation",
        Audience::SpecificUsers => "the people or groups named in the setting",
        Audience::CredentialHolders => "whoever holds the configured password or key",
        Audience::Internal => "only the owner and the platform",
        Audience::Unknown => "not stated in the export",
    }
}

/// Approved / blocked / review / unknown, from the policy and the catalog.
pub fn connector_status(id: &str, known: bool, policy: &Policy) -> &'static str {
    if policy.is_blocked(id) {
        "blocked"
    } else if policy.is_approved(id) {
        "approved"
    } else if known {
        "review"
    } else {
        "unknown"
    }
}

pub fn build(model: &Model, policy: &Policy) -> Inventory {
    let mut inv = Inventory::default();
    let mut connectors_seen: BTreeMap<String, (usize, Vec<String>)> = BTreeMap::new();
    let mut fields_seen: BTreeMap<(String, String), FieldItem> = BTreeMap::new();

    for app in &model.apps {
        for step in &app.steps {
            if let Some(id) = &step.connector {
                let entry = connectors_seen.entry(id.clone()).or_default();
                entry.0 += 1;
                if !entry.1.contains(&app.name) {
                    entry.1.push(app.name.clone());
                }
            }
        }
        for c in &app.connections {
            inv.connections.push(ConnectionItem {
                name: c.display_name.clone(),
                connector: c.connector.clone(),
                identity: format!("{:?}", c.identity).to_ascii_lowercase(),
                component: app.name.clone(),
                location: c.location.clone(),
            });
        }
        for t in &app.triggers {
            inv.triggers.push(TriggerItem {
                name: t.name.clone(),
                kind: format!("{:?}", t.kind).to_ascii_lowercase(),
                audience: t.audience,
                who_can_call: who_can_call(t.audience).into(),
                auth: t.auth.clone(),
                component: app.name.clone(),
                location: t.location.clone(),
            });
        }
        for c in &app.credentials {
            inv.credentials.push(CredentialItem {
                name: c.name.clone(),
                credential_type: c.credential_type.clone(),
                storage: format!("{:?}", c.storage).to_ascii_lowercase(),
                component: app.name.clone(),
                location: c.location.clone(),
            });
        }
        for f in &app.fields {
            let Some(class) = &f.classification else {
                continue;
            };
            let item = fields_seen
                .entry((f.name.to_ascii_lowercase(), class.category.clone()))
                .or_insert_with(|| FieldItem {
                    name: f.name.clone(),
                    category: class.category.clone(),
                    label: class.label.clone(),
                    object: f.object.clone(),
                    uses: 0,
                    components: Vec::new(),
                    level: None,
                    regulations: Vec::new(),
                });
            item.uses += 1;
            if let Some(judged) = app.assessment(&f.name) {
                if item.level.is_none_or(|l| judged.level > l) {
                    item.level = Some(judged.level);
                }
                for r in &judged.regulations {
                    if !item.regulations.contains(r) {
                        item.regulations.push(r.clone());
                    }
                }
            }
            if !item.components.contains(&app.name) {
                item.components.push(app.name.clone());
            }
        }
        for share in &app.sharing {
            inv.sharing.push(SharingItem {
                audience: share.audience,
                who: who_has_access(share.audience).into(),
                what: share.what.clone(),
                raw: share.raw.clone(),
                component: app.name.clone(),
                location: share.location.clone(),
            });
        }
        for e in &app.endpoints {
            inv.endpoints.push(EndpointItem {
                url: e.url.clone(),
                host: e.host.clone(),
                component: app.name.clone(),
                location: e.location.clone(),
            });
        }
    }

    for (id, (uses, components)) in connectors_seen {
        let info = connectors::lookup(&id);
        inv.connectors.push(ConnectorItem {
            name: info.map_or_else(|| id.clone(), |i| i.name.clone()),
            category: info.map_or_else(|| "unknown".into(), |i| i.category.clone()),
            external: info.is_none_or(|i| i.external),
            status: connector_status(&id, info.is_some(), policy).into(),
            id,
            uses,
            components,
        });
    }
    inv.sensitive_fields = fields_seen.into_values().collect();
    inv
}
