// Type declarations for lcscan.js, the lcscan module API for portals.
// The report is the same object `lcscan scan FILE --format json` writes;
// docs/report-schema.md describes every field. New fields may appear
// without a schema_version change: ignore fields you do not know.

/** Load the WebAssembly module once (default: lcscan_www_bg.wasm beside lcscan.js). */
export default function init(wasmUrl?: string | URL | Request | Response | BufferSource | WebAssembly.Module): Promise<void>;

/**
 * Scan one export in this tab (no network request). Throws an {@link LcscanError}
 * when the file cannot be checked or the policy is invalid.
 * @param bytes    the file's contents
 * @param fileName its name (used for format hints and in the report)
 * @param policy   the organisation policy: TOML or JSON text, or a policy object; default when left out
 * @param options  reviewed exceptions to apply, and the day to judge their expiry
 */
export function scan(
  bytes: Uint8Array | ArrayBuffer | ArrayBufferView | string,
  fileName: string,
  policy?: string | Policy | null,
  options?: ScanOptions,
): Report;

export interface ScanOptions {
  /** An exceptions file's text (TOML or JSON), as `lcscan scan --baseline` reads it. */
  exceptions?: string;
  /** Judge expiry as of this day (YYYY-MM-DD); default: the browser's date. */
  today?: string;
}

/** The lcscan version, e.g. "0.1.0". */
export function version(): string;

/** The platforms lcscan reads. */
export function formats(): FormatInfo[];

export interface FormatInfo {
  /** Platform id as used in reports, e.g. "power-automate". */
  id: Platform;
  /** Its name for people, e.g. "Power Automate". */
  name: string;
}

/** Thrown by {@link scan}. */
export interface LcscanError extends Error {
  /** e.g. "empty", "too-large", "unknown-format", "broken-zip", "invalid-json", "invalid-policy", "invalid-exceptions", "invalid-date", "internal". */
  code: string;
}

/** An organisation policy (see rules/policies/ and README). Only the common keys are typed. */
export interface Policy {
  name?: string;
  version?: string;
  disabled_rules?: string[];
  severity?: Record<string, Severity>;
  approved_connectors?: string[];
  blocked_connectors?: string[];
  allowed_hosts?: string[];
  sensitive_fields?: Record<string, string>;
  limits?: Partial<Limits>;
  [key: string]: unknown;
}

export interface Limits {
  max_input_bytes: number;
  max_unpacked_bytes: number;
  max_compression_ratio: number;
  max_entries: number;
  max_depth: number;
  max_string_bytes: number;
  max_archive_nesting: number;
}

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

export type Platform =
  | 'n8n' | 'power-automate' | 'logic-apps' | 'power-apps' | 'power-platform-solution'
  | 'salesforce-flow' | 'node-red' | 'make' | 'zapier' | 'appsmith' | 'tool-jet' | 'retool'
  | 'budibase' | 'uipath' | 'windmill' | (string & {});

export type Audience =
  | 'anyone' | 'anyone-with-link' | 'organisation' | 'specific-users' | 'credential-holders'
  | 'internal' | 'unknown';

export interface Report {
  schema_version: number;
  tool: ToolInfo;
  file: string;
  platforms: Platform[];
  components: ComponentSummary[];
  summary: Summary;
  findings: Finding[];
  inventory: Inventory;
  notes: Note[];
  /** Only with an exceptions file. */
  exceptions?: ExceptionOutcome[];
}

export interface ToolInfo {
  name: 'lcscan';
  version: string;
  /** Policy name ("lcscan default" without a policy). */
  policy: string;
  policy_version: string;
}

export interface ComponentSummary {
  name: string;
  platform: Platform;
  kind: string;
  steps: number;
  file: string;
}

export interface Summary {
  /** 0–100; 0 = nothing found. */
  risk_score: number;
  grade: 'A' | 'B' | 'C' | 'D' | 'F';
  counts: Record<Severity, number>;
  total: number;
  components: number;
  steps: number;
}

export interface Finding {
  rule_id: string;
  rule_name: string;
  severity: Severity;
  title: string;
  message: string;
  why: string;
  fix: string;
  location: Location;
  component: string;
  platform: Platform;
  /** Masked; left out when there is none. */
  evidence?: string;
  owasp: string;
  owasp_lcnc: string;
  cwe: number;
  /** 16 hex characters, stable across runs and renames. */
  fingerprint: string;
}

export interface Location {
  file: string;
  path: string;
  step?: string;
}

export interface Inventory {
  connectors: ConnectorItem[];
  connections: ConnectionItem[];
  triggers: TriggerItem[];
  credentials: CredentialItem[];
  sensitive_fields: FieldItem[];
  endpoints: EndpointItem[];
  sharing?: SharingItem[];
}

export interface ConnectorItem {
  id: string;
  name: string;
  category: string;
  external: boolean;
  status: 'approved' | 'blocked' | 'review' | 'unknown' | (string & {});
  uses: number;
  components: string[];
}

export interface ConnectionItem {
  name: string;
  connector: string;
  identity: string;
  component: string;
  location: Location;
}

export interface TriggerItem {
  name: string;
  kind: string;
  audience: Audience;
  who_can_call: string;
  auth: string;
  component: string;
  location: Location;
}

export interface CredentialItem {
  name: string;
  credential_type: string;
  storage: 'reference' | 'encrypted' | 'plaintext' | (string & {});
  component: string;
  location: Location;
}

export interface FieldItem {
  name: string;
  category: string;
  label: string;
  object?: string;
  uses: number;
  components: string[];
}

export interface EndpointItem {
  url: string;
  host?: string;
  component: string;
  location: Location;
}

export interface SharingItem {
  audience: Audience;
  who: string;
  what: string;
  raw: string;
  component: string;
  location: Location;
}

export interface Note {
  file: string;
  message: string;
}

export interface ExceptionOutcome {
  status: 'accepted' | 'expired';
  exception: {
    fingerprint: string;
    rule?: string;
    component?: string;
    finding?: string;
    accepted_by: string;
    reason: string;
    accepted_on: string;
    expires: string;
    ticket?: string;
  };
  finding: Finding;
}
