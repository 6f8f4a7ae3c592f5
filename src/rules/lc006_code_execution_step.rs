//! LC006 code-execution-step: the app runs its own code or shell commands.
//!
//! Every enabled Code / Command step is reported: low for inline code (someone should review it),
//! high when it runs operating-system commands (n8n Execute Command, SSH) or
//! the code itself starts programs or evaluates text as code.

use super::capitalise;
use crate::model::{App, Platform, Step, StepKind};
use crate::report::Severity;
use crate::rules::{step_ref, Context, Hit, Rule};

pub static RULE: Rule = Rule {
    id: "LC006",
    name: "code-execution-step",
    title: "A step runs its own code or commands",
    severity: Severity::Medium,
    owasp: "CD-SEC-06",
    owasp_lcnc: "LCNC-SEC-06",
    cwe: 94,
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it finds

Steps that run code written into the app — n8n Code, Function and
Function Item nodes, LangChain Code nodes, Power Automate inline scripts,
Apex actions — and steps that run operating-system commands: n8n *Execute
Command* and *SSH* nodes. Commands, and code that starts other programs
(`child_process`, `exec`, `subprocess`, `os.system`) or runs text as code
(`eval`, `new Function`), are reported as high.

## Why it matters

Code steps can do anything the platform's server can do, outside the
guard-rails of ready-made steps: read files and environment variables
(including other workflows' keys), reach internal systems, or run whatever
a caller sends in if input flows into the code. Nobody reviews this code the
way a developer's code is reviewed, and a command step gives whoever can
change its input a shell on the server.

## How to fix

Prefer a built-in step that does the same job. If code is really needed,
keep it short, never build commands or code from incoming data, and have
someone who reads code review it.

**n8n** — replace Execute Command / SSH nodes with the dedicated node for the
job (Read/Write Files from Disk, FTP, the app's own node), or with an HTTP
Request to a service that does it. Administrators can block these nodes with
`NODES_EXCLUDE=["n8n-nodes-base.executeCommand"]`.

**Power Automate** — use connector actions instead of inline code; keep
custom code in a reviewed custom connector.

**Salesforce Flow** — keep Apex actions small, reviewed and tested, and run
them with sharing.

## Example

An n8n Execute Command node running `curl {{ $json.url }} | sh` is reported
as high; a Code node that only reshapes items is reported as low, so
someone reviews it without it drowning out real problems.
"#;

/// Calls that start programs or run text as code.
const DANGEROUS: &[&str] = &[
    "child_process",
    "execsync",
    "spawnsync",
    "exec(",
    "spawn(",
    "eval(",
    "new function(",
    "subprocess",
    "os.system",
    "os.popen",
    "runtime.getruntime",
    "process.start",
    "shell_exec",
];

fn check(app: &App, _ctx: &Context) -> Vec<Hit> {
    let mut hits = Vec::new();
    for step in &app.steps {
        if step.disabled
            || !(matches!(step.kind, StepKind::Code | StepKind::Command) || step.code.is_some())
        {
            continue;
        }
        let runs_commands =
            step.kind == StepKind::Command || step.code.as_ref().is_some_and(|c| c.runs_commands);
        let dangerous_call = step.code.as_ref().and_then(|c| {
            let lower = c.source.to_ascii_lowercase();
            DANGEROUS
                .iter()
                .find(|d| lower.contains(*d))
                .map(|d| d.trim_end_matches('('))
        });
        let language = step
            .code
            .as_ref()
            .map(|c| language_name(&c.language))
            .unwrap_or("custom");
        let what = capitalise(&step_ref(app.platform, &step.name));
        let app_word = super::lc002_hardcoded_secret::app_word(app.platform);
        let (message, why, severity) = if runs_commands {
            (
                format!("{what} runs operating-system commands on the server."),
                format!("Whoever can change what this {app_word} receives may be able to run any command on the server, with access to its files, keys and network."),
                Some(Severity::High),
            )
        } else if let Some(call) = dangerous_call {
            (
                format!("{what} runs {language} code that starts programs or runs text as code ({call})."),
                "If anything a caller sends reaches this code, they could make the server run their own commands, with access to its files, keys and network.".to_string(),
                Some(Severity::High),
            )
        } else if step.code.is_none() {
            // The code lives outside the export (Salesforce Apex action, plug-in).
            (
                format!("{what} calls custom code that is kept outside this {app_word}."),
                format!("That code can do anything its platform allows, and nothing in this {app_word} shows what it does, so it needs its own review."),
                Some(Severity::Low),
            )
        } else {
            (
                format!("{what} runs {language} code written into the {app_word}."),
                "Code can do anything the server can — read keys and files or reach internal systems — and is easy to get subtly wrong, so it needs a review the ready-made steps do not.".to_string(),
                Some(Severity::Low),
            )
        };
        hits.push(Hit {
            location: step
                .code
                .as_ref()
                .map_or_else(|| step.location.clone(), |c| c.location.clone()),
            message,
            why,
            fix: fix(app.platform, step, runs_commands),
            evidence: step.code.as_ref().map(|c| first_line(&c.source)),
            severity,
            key: step.id.clone(),
        });
    }
    hits
}

fn language_name(language: &str) -> &'static str {
    match language.to_ascii_lowercase().as_str() {
        "javascript" | "js" => "JavaScript",
        "python" => "Python",
        "shell" | "bash" | "sh" => "shell",
        "apex" => "Apex",
        "csharp" | "c#" => "C#",
        "powershell" => "PowerShell",
        _ => "custom",
    }
}

/// The first non-empty line of the code, shortened; secrets in it are LC002's job,
/// so anything long and unbroken is cut.
fn first_line(source: &str) -> String {
    let line = source
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let short: String = line.chars().take(60).collect();
    let short = if short.split_whitespace().any(|w| {
        let w = w.trim_matches(|c: char| !c.is_ascii_alphanumeric());
        w.len() >= 16
            && w.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && crate::detect::secrets::looks_random(w)
    }) {
        "(code line hidden: it may hold a secret)".to_string()
    } else {
        short
    };
    if line.chars().count() > 60 {
        format!("{short}…")
    } else {
        short
    }
}

fn fix(platform: Platform, step: &Step, runs_commands: bool) -> String {
    let name = &step.name;
    match platform {
        Platform::N8n if runs_commands => format!(
            "Replace the node '{name}' with the dedicated node for the job (for example Read/Write Files from Disk or FTP), or ask your n8n administrator to block Execute Command and SSH nodes."
        ),
        Platform::N8n => format!(
            "Replace the node '{name}' with built-in nodes (Edit Fields, Filter, Aggregate) if they can do the job; otherwise have its code reviewed and never pass incoming data into commands or eval."
        ),
        Platform::PowerAutomate | Platform::LogicApps => format!(
            "Replace the action '{name}' with connector actions, or move the code into a reviewed custom connector."
        ),
        Platform::SalesforceFlow => format!(
            "Have the Apex behind the element '{name}' reviewed and tested, and declare the class 'with sharing'."
        ),
        Platform::NodeRed if runs_commands => format!(
            "Replace the node '{name}' with nodes made for the job (file, MQTT, database nodes), or remove node-red-node-exec / child_process from this instance; never pass msg data into a command."
        ),
        Platform::NodeRed => format!(
            "Replace the function node '{name}' with change, switch and template nodes if they can do the job; otherwise have its code reviewed."
        ),
        Platform::Make => format!(
            "Replace the module '{name}' with Make's built-in tools (Set variable, Text parser, Iterator) if they can do the job; otherwise have its code reviewed."
        ),
        _ => format!("Replace the step '{name}' with built-in steps, or have its code reviewed."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Code, Location};
    use crate::policy::Policy;

    fn app(kind: StepKind, language: &str, source: &str, runs_commands: bool) -> App {
        App {
            platform: Platform::N8n,
            steps: vec![Step {
                id: "Run it".into(),
                name: "Run it".into(),
                kind,
                code: Some(Code {
                    language: language.into(),
                    source: source.into(),
                    runs_commands,
                    location: Location::new("wf.json", "/nodes/1/parameters/jsCode"),
                }),
                ..Step::default()
            }],
            ..App::default()
        }
    }

    fn run(app: &App) -> Vec<Hit> {
        let policy = Policy::empty();
        check(app, &Context { policy: &policy })
    }

    #[test]
    fn commands_are_high() {
        let hits = run(&app(
            StepKind::Command,
            "shell",
            "curl {{ $json.url }} | sh",
            true,
        ));
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].severity, Some(Severity::High));
        assert_eq!(
            hits[0].message,
            "The node 'Run it' runs operating-system commands on the server."
        );
        assert!(hits[0].fix.contains("Execute Command"));
    }

    #[test]
    fn plain_code_is_low_and_eval_is_high() {
        let hits = run(&app(
            StepKind::Code,
            "javascript",
            "return items.map(i => ({ json: { total: i.json.a + i.json.b } }));",
            false,
        ));
        assert_eq!(hits[0].severity, Some(Severity::Low));
        assert_eq!(
            hits[0].message,
            "The node 'Run it' runs JavaScript code written into the workflow."
        );
        let hits = run(&app(
            StepKind::Code,
            "javascript",
            "const { execSync } = require('child_process');",
            false,
        ));
        assert_eq!(hits[0].severity, Some(Severity::High));
        assert!(hits[0].message.contains("(child_process)"));
    }

    #[test]
    fn code_kept_outside_the_export_is_still_named() {
        let mut a = app(StepKind::Code, "", "", false);
        a.platform = Platform::SalesforceFlow;
        a.steps[0].code = None;
        let hits = run(&a);
        assert_eq!(
            hits[0].message,
            "The element 'Run it' calls custom code that is kept outside this flow."
        );
        assert!(hits[0].fix.contains("with sharing"));
    }

    #[test]
    fn other_and_disabled_steps_are_fine() {
        let mut a = app(StepKind::Code, "javascript", "return items;", false);
        a.steps[0].disabled = true;
        assert!(run(&a).is_empty());
        let mut a = app(StepKind::HttpRequest, "", "", false);
        a.steps[0].code = None;
        assert!(run(&a).is_empty());
    }

    #[test]
    fn evidence_never_shows_a_long_random_word() {
        assert_eq!(
            first_line("const k = 'q8Zr2LmX0vT7bN4kP1sW9yHcQ';"),
            "(code line hidden: it may hold a secret)"
        );
        assert_eq!(first_line("\n  return items;\n"), "return items;");
        assert_eq!(
            first_line("const row = $('Row Ref').first().json.someLongFieldName;"),
            "const row = $('Row Ref').first().json.someLongFieldName;"
        );
    }
}
