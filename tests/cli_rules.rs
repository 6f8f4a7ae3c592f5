//! `lcscan rules --secrets | --fields | --connectors` (and `--format`): the
//! detection data is listed in full, with its descriptions, in every format.

use std::process::{Command, Output};

fn lcscan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lcscan"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("run lcscan")
}

fn ok_stdout(args: &[&str]) -> String {
    let o = lcscan(args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("utf-8 output")
}

fn json(args: &[&str]) -> serde_json::Value {
    let out = ok_stdout(args);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?} is not JSON ({e}): {out}"))
}

/// How many `[[table]]` entries a data file has.
fn count_in(file: &str, table: &str) -> usize {
    let text = std::fs::read_to_string(file).unwrap();
    let header = format!("[[{table}]]");
    text.lines().filter(|l| l.trim() == header).count()
}

fn items<'a>(v: &'a serde_json::Value, key: &str) -> &'a Vec<serde_json::Value> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("no array '{key}'"))
}

fn find<'a>(list: &'a [serde_json::Value], key: &str, value: &str) -> &'a serde_json::Value {
    list.iter()
        .find(|x| x[key] == value)
        .unwrap_or_else(|| panic!("no entry with {key} = {value}"))
}

#[test]
fn secrets_text_lists_stripe_and_github_with_what_an_attacker_can_do() {
    let out = ok_stdout(&["rules", "--secrets"]);
    let header = out.lines().next().unwrap();
    assert!(header.starts_with("ID"), "{header}");
    assert!(header.contains("PROVIDER") && header.contains("WHAT AN ATTACKER CAN DO"));
    let stripe = out
        .lines()
        .find(|l| l.starts_with("stripe-live-secret-key "))
        .expect("Stripe live key listed");
    assert!(stripe.contains("Stripe live secret key"), "{stripe}");
    assert!(stripe.contains("high"), "{stripe}");
    assert!(
        stripe.contains("create charges and refunds"),
        "the impact is shown: {stripe}"
    );
    let github = out
        .lines()
        .find(|l| l.starts_with("github-personal-access-token "))
        .expect("GitHub PAT listed");
    assert!(github.contains("GitHub personal access token"), "{github}");
    assert!(github.contains("Acts as the GitHub user"), "{github}");
    // One row per pattern (the file's plus the three key-name ones), a
    // header, a blank line and the total.
    let patterns = count_in("rules/secrets.toml", "pattern") + 3;
    assert_eq!(out.lines().count(), patterns + 3, "{out}");
    assert!(
        out.contains(&format!("{patterns} secret patterns")),
        "{}",
        out.lines().last().unwrap()
    );
}

#[test]
fn secrets_json_counts_match_the_data_file() {
    let v = json(&["rules", "--secrets", "--format", "json"]);
    let list = items(&v, "secrets");
    let in_file = count_in("rules/secrets.toml", "pattern");
    assert_eq!(list.len(), in_file + 3);
    assert_eq!(v["count"], list.len());
    assert_eq!(v["providers"], lcscan::detect::secrets::provider_count());
    let stripe = find(list, "id", "stripe-live-secret-key");
    assert_eq!(stripe["provider"], "Stripe");
    assert_eq!(stripe["confidence"], "high");
    assert!(stripe["impact"]
        .as_str()
        .unwrap()
        .contains("read customer and payment data"));
    let github = find(list, "id", "github-personal-access-token");
    assert_eq!(github["provider"], "GitHub");
    assert_eq!(github["name"], "GitHub personal access token");
    let generic = find(list, "id", "generic-password");
    assert_eq!(generic["provider"], "generic");
    assert_eq!(generic["confidence"], "by key name");
    // Every pattern says what an attacker can do.
    for p in list {
        assert!(!p["impact"].as_str().unwrap().trim().is_empty(), "{p}");
        assert!(!p["name"].as_str().unwrap().trim().is_empty(), "{p}");
    }
}

#[test]
fn fields_list_card_number_with_regulations_in_plain_words() {
    let out = ok_stdout(&["rules", "--fields"]);
    let card = out
        .lines()
        .find(|l| l.starts_with("financial") && l.contains("card number "))
        .expect("card number listed");
    assert!(card.contains("PCI DSS, GDPR"), "{card}");
    assert!(card.contains("cardNumber"), "example names shown: {card}");
    assert!(
        out.contains("PCI DSS (the card companies' security rules)"),
        "regulations explained"
    );
    assert!(out.contains(&format!(
        "{} field categories",
        count_in("rules/fields.toml", "field")
    )));

    let v = json(&["rules", "--fields", "-f", "json"]);
    let list = items(&v, "fields");
    assert_eq!(list.len(), count_in("rules/fields.toml", "field"));
    assert_eq!(v["count"], list.len());
    let card = find(list, "label", "card number");
    assert_eq!(card["category"], "financial");
    assert_eq!(card["regulations"], serde_json::json!(["PCI DSS", "GDPR"]));
    assert!(card["examples"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!("cardNumber")));
    let bank = find(list, "label", "bank account number");
    assert!(bank["examples"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!("IBAN__c")));
    assert!(v["regulations"]["GDPR"]
        .as_str()
        .unwrap()
        .contains("data-protection law"));
    for name in ["GDPR", "HIPAA", "PCI DSS"] {
        assert!(v["regulations"][name].is_string(), "{name} explained");
    }
}

#[test]
fn connectors_list_every_catalog_entry_with_platform_and_risk() {
    let in_file = count_in("rules/connectors.toml", "connector");
    let v = json(&["rules", "--connectors", "--format", "json"]);
    let list = items(&v, "connectors");
    assert_eq!(list.len(), in_file);
    assert_eq!(v["count"], in_file);
    let per: usize = v["per_platform"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap() as usize)
        .sum();
    assert_eq!(per, in_file, "per-platform counts add up");
    let slack = find(list, "id", "n8n-nodes-base.slack");
    assert_eq!(slack["platform"], "n8n");
    assert_eq!(slack["name"], "Slack");
    assert_eq!(slack["category"], "chat");
    assert_eq!(slack["risk"], "medium");
    let office = find(list, "id", "shared_office365");
    assert_eq!(office["platform"], "Power Platform / Logic Apps");
    for platform in [
        "n8n",
        "Salesforce Flow",
        "Node-RED",
        "Make",
        "Appsmith",
        "ToolJet",
        "Retool",
        "UiPath",
        "Zapier",
        "Budibase",
        "Windmill",
    ] {
        assert!(
            v["per_platform"][platform].as_u64().unwrap_or(0) > 0,
            "{platform} has connectors"
        );
    }
    // Code-running connectors are high risk.
    assert!(list
        .iter()
        .filter(|c| c["executes_code"] == true)
        .all(|c| c["risk"] == "high"));

    let out = ok_stdout(&["rules", "--connectors"]);
    assert!(out.lines().next().unwrap().starts_with("PLATFORM"));
    assert!(out
        .lines()
        .any(|l| l.starts_with("n8n ") && l.contains("n8n-nodes-base.slack")));
    assert!(out.contains(&format!("{in_file} connectors. Per platform: ")));
    let n8n = v["per_platform"]["n8n"].as_u64().unwrap();
    assert!(out.contains(&format!(", n8n {n8n}, ")), "{out}");
}

#[test]
fn markdown_tables_and_rules_json() {
    let md = ok_stdout(&["rules", "--secrets", "--format", "markdown"]);
    let mut lines = md.lines();
    assert!(lines.next().unwrap().starts_with("| ID | NAME | PROVIDER"));
    assert_eq!(lines.next().unwrap(), "|---|---|---|---|---|");
    assert!(md.contains("| stripe-live-secret-key | Stripe live secret key | Stripe | high |"));

    let md = ok_stdout(&["rules", "--fields", "-f", "markdown"]);
    assert!(md.contains("| financial | card number | PCI DSS, GDPR |"));
    assert!(md.contains("- PCI DSS (the card companies' security rules)"));

    let md = ok_stdout(&["rules", "-f", "markdown"]);
    assert!(md.contains("| LC001 | public-trigger-without-auth | high |"));

    let v = json(&["rules", "--format", "json"]);
    let rules = items(&v, "rules");
    assert_eq!(rules.len(), lcscan::rules::RULES.len());
    assert_eq!(find(rules, "id", "LC002")["name"], "hardcoded-secret");

    // The plain list is unchanged.
    let out = ok_stdout(&["rules"]);
    assert!(out.contains("LC001  public-trigger-without-auth"));
}

#[test]
fn one_list_at_a_time() {
    let o = lcscan(&["rules", "--secrets", "--fields"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot be used with"));
}

#[test]
fn pattern_list_is_what_the_scanner_loads() {
    use lcscan::detect::secrets::{self, Confidence};
    // The page lists patterns without compiling them: same list as the scanner's.
    let listed = secrets::pattern_list();
    let infos: Vec<secrets::PatternInfo> = listed.iter().map(|(p, _)| p.clone()).collect();
    assert_eq!(infos, secrets::all_patterns());
    let confidence = |id: &str| listed.iter().find(|(p, _)| p.id == id).unwrap().1;
    assert_eq!(confidence("stripe-live-secret-key"), Some(Confidence::High));
    assert_eq!(confidence("stripe-test-secret-key"), Some(Confidence::Low));
    assert_eq!(confidence("generic-password"), None);
}
