/**
 * How serious a complaint is (投訴等級). A major one goes straight to the supervisors (tier 2), who
 * owe a plan within the policy's `plan` target and a resolution within `severity.major.resolution`.
 * Pure: safe in workflow code.
 */
export const SEVERITIES = ['general', 'serious', 'major'] as const;
export type Severity = (typeof SEVERITIES)[number];
