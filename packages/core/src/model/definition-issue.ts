/** A problem found in a definition, addressed by a JSON path from the definition root. */
export interface DefinitionIssue {
  path: (string | number)[];
  message: string;
  /** The stable name of the rule that was broken (`DEFINITION_RULES`; the README's rule table). */
  rule: string;
}
