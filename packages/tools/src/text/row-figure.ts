/** A figure that a table row or a form line names by its label: "Net income $ 7,788 $ 6,687 16%". */
export interface RowFigure {
  /** The label as a key: a known metric's name (`revenue`, `net_income`) or the row's label in snake case. */
  label: string;
  /** Normalised as prose figures are: "7.79B", "€6.47B", "29%", "¥1.27B". */
  value: string;
  kind: 'money' | 'percentage';
  /** Index of the row among the sentences. */
  sentence: number;
  /** Whether the label states a total (a later total row for the same label wins). */
  total: boolean;
}
