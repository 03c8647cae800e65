/** A problem found in a definition, addressed by a JSON path from the definition root. */
export interface DefinitionIssue {
  path: (string | number)[];
  message: string;
  /** The stable name of the rule that was broken (`DEFINITION_RULES`; the rule table in docs/workflow-versions.md). */
  rule: string;
}
