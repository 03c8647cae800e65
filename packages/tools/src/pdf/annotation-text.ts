import type { TextRun } from './text-layout';

/**
 * The fields of a pdf.js annotation (`page.getAnnotations()`) this module reads; pdf.js types
 * them as `any`. `rect` is [x1, y1, x2, y2] in PDF user space.
 */
export interface PdfAnnotation {
  subtype?: string;
  rect?: number[];
  hidden?: boolean;
  fieldType?: string;
  fieldName?: string;
  alternativeText?: string;
  fieldValue?: unknown;
  checkBox?: boolean;
  radioButton?: boolean;
  exportValue?: string;
  buttonValue?: string;
  options?: { exportValue?: string; displayValue?: string }[];
  contentsObj?: { str?: string };
}

/** How a line of form-field value starts, telling it from the page's body text. */
export const FORM_MARK = '[form]';
/** How a line of annotation text (a FreeText box, a sticky note, ...) starts. */
export const NOTE_MARK = '[note]';

// Annotations whose contents repeat another's (a Popup shows its parent's) or are no text.
const NO_TEXT_SUBTYPES = new Set(['Popup', 'Link', 'Widget']);

/** A piece of visible text with its box, a candidate label of a form field. */
interface LabelBox {
  text: string;
  x1: number;
  x2: number;
  /** Roughly the middle of the text's height: a baseline plus a third of the font size. */
  y: number;
}

/**
 * The filled form-field values and annotation texts of a page, one line each, in the
 * annotations' order, as a reader of the page sees them:
 * - a text field or choice `[form] <label>: <value>`, the label being the text just left of
 *   the field on its line ("First name:"), else the field's tooltip (`/TU`), else its name;
 *   a choice's value is its displayed option;
 * - a ticked check box `[form] <label>: checked`, the label the text just right of it;
 *   a radio group `[form] <group>: <the selected button's label>`; empty fields and unticked
 *   boxes are left out (they say nothing);
 * - any other annotation with contents `[note] <contents>` (FreeText, sticky notes, ...).
 * Whitespace inside a value is collapsed to single spaces, so each stays on one line.
 */
export function annotationLines(annotations: readonly PdfAnnotation[], runs: readonly TextRun[]): string[] {
  const labels: LabelBox[] = [
    ...runs
      .filter((run) => run.text.trim().length > 0)
      .map((run) => ({ text: run.text.trim(), x1: run.x, x2: run.x + run.width, y: run.y + run.height / 3 })),
    ...annotations.filter(isVisibleFreeText).map((a) => {
      const [x1, y1, x2, y2] = a.rect!;
      return { text: oneLine(a.contentsObj?.str ?? ''), x1: x1!, x2: x2!, y: (y1! + y2!) / 2 };
    }),
  ];
  const lines: string[] = [];
  for (const annotation of annotations) {
    if (annotation.hidden === true) continue;
    const line = annotation.subtype === 'Widget' ? fieldLine(annotation, labels) : noteLine(annotation);
    if (line !== undefined && !lines.includes(line)) lines.push(line);
  }
  return lines;
}

function isVisibleFreeText(a: PdfAnnotation): boolean {
  return (
    a.subtype === 'FreeText' && a.hidden !== true && a.rect?.length === 4 && oneLine(a.contentsObj?.str ?? '') !== ''
  );
}

function noteLine(annotation: PdfAnnotation): string | undefined {
  if (annotation.subtype === undefined || NO_TEXT_SUBTYPES.has(annotation.subtype)) return undefined;
  const text = oneLine(annotation.contentsObj?.str ?? '');
  return text === '' ? undefined : `${NOTE_MARK} ${text}`;
}

function fieldLine(field: PdfAnnotation, labels: readonly LabelBox[]): string | undefined {
  const named = oneLine(field.alternativeText ?? '') || (field.fieldName ?? 'field');
  switch (field.fieldType) {
    case 'Tx': {
      const value = typeof field.fieldValue === 'string' ? oneLine(field.fieldValue) : '';
      return value === '' ? undefined : formLine(labelBeside(field, labels, 'left') ?? named, value);
    }
    case 'Ch': {
      const chosen = (Array.isArray(field.fieldValue) ? field.fieldValue : [field.fieldValue])
        .filter((v): v is string => typeof v === 'string' && v.trim() !== '')
        .map((v) => oneLine(field.options?.find((o) => o.exportValue === v)?.displayValue ?? v));
      return chosen.length === 0 ? undefined : formLine(labelBeside(field, labels, 'left') ?? named, chosen.join(', '));
    }
    case 'Btn': {
      const value = field.fieldValue;
      if (typeof value !== 'string' || value === 'Off') return undefined;
      if (field.checkBox === true) {
        return formLine(labelBeside(field, labels, 'right') ?? named, 'checked');
      }
      if (field.radioButton === true && value === field.buttonValue) {
        return formLine(field.fieldName ?? named, labelBeside(field, labels, 'right') ?? value);
      }
      return undefined; // a push button holds no value
    }
    case undefined:
    default:
      return undefined; // signatures and unknown kinds
  }
}

function formLine(label: string, value: string): string {
  return `${FORM_MARK} ${label.replace(/\s*:$/, '')}: ${value}`;
}

/** The nearest visible text on the field's line, to its left or right. */
function labelBeside(field: PdfAnnotation, labels: readonly LabelBox[], side: 'left' | 'right'): string | undefined {
  if (field.rect?.length !== 4) return undefined;
  const [x1, y1, x2, y2] = field.rect as [number, number, number, number];
  // A couple of points' slack: labels often touch their box.
  const onLine = labels.filter((l) => l.y >= y1 - 2 && l.y <= y2 + 2);
  const candidates =
    side === 'left'
      ? onLine.filter((l) => l.x2 <= x1 + 2).sort((a, b) => b.x2 - a.x2)
      : onLine.filter((l) => l.x1 >= x2 - 2).sort((a, b) => a.x1 - b.x1);
  return candidates[0]?.text;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
