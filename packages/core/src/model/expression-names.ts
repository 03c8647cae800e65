import type jsonata from 'jsonata';

/**
 * The names an expression reads from the document's top level: the first step of each path
 * (`document_text` in `$length(document_text)`, `__steps__` in `__steps__.verify.outputData`).
 * Names inside a path's later steps or predicates read nested fields, not variables.
 */
export function topLevelNames(node: jsonata.ExprNode | undefined, names = new Set<string>()): string[] {
  visit(node, names, true);
  return [...names];
}

function visit(node: unknown, names: Set<string>, top: boolean): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const child of node) visit(child, names, top);
    return;
  }
  const n = node as jsonata.ExprNode & {
    steps?: jsonata.ExprNode[];
    stages?: unknown;
    predicate?: unknown;
    group?: unknown;
    then?: unknown;
    else?: unknown;
    condition?: unknown;
    pattern?: unknown;
    update?: unknown;
    delete?: unknown;
    body?: unknown;
  };
  if (n.type === 'name' && top && typeof n.value === 'string') names.add(n.value);
  if ((n.type as string) === 'path' && Array.isArray(n.steps)) {
    n.steps.forEach((step, i) => {
      // Only the first step of a path names a top-level field; later steps are relative to it.
      if (i === 0) visit(step, names, top);
      else visitInner(step, names);
    });
    return;
  }
  for (const [key, child] of Object.entries(n)) {
    if (key === 'steps' || key === 'value' || key === 'position' || key === 'type') continue;
    if (key === 'predicate' || key === 'stages' || key === 'group') visitInner(child, names);
    else visit(child, names, top);
  }
}

/** Inside a path step: names are fields of the step's context, but nested full expressions may still read the top. */
function visitInner(node: unknown, names: Set<string>): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const child of node) visitInner(child, names);
    return;
  }
  const n = node as { type?: string };
  if (n.type === 'name') return;
  for (const [key, child] of Object.entries(node)) {
    if (key === 'value' || key === 'position' || key === 'type') continue;
    visitInner(child, names);
  }
}
