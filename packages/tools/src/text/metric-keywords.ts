/**
 * Which figures a keyword can name: amounts of money, percentages, or plain numbers (a
 * headcount, a count of users, a ratio such as net debt to EBITDA).
 */
export type FigureKind = 'money' | 'percentage' | 'number';

export interface MetricKeyword {
  /** The key under which a figure it names is reported, e.g. `net_income`. */
  label: string;
  /** Alternatives, matched as whole words, case-insensitively. */
  pattern: string;
  kinds: readonly FigureKind[];
  /**
   * A word of change (grew, fell): it names the size of a change ("grew 15%", "fell by 3%"),
   * not a level reached ("fell to 4%" is about whatever fell).
   */
  movement?: true;
}

const MONEY: readonly FigureKind[] = ['money'];
const PERCENT: readonly FigureKind[] = ['percentage'];
const NUMBER: readonly FigureKind[] = ['number'];

/**
 * Words that name a financial figure. Where several match the same words, the longest
 * wins ("net income" over "income", "gross margin" over "margin"). Amounts are named by
 * what they are (revenue, costs); percentages only by rates (margin, tax rate, growth) and
 * by movement words (grew, fell) whose subject is an amount's name: "costs are 10% of
 * execution time" is a share, not a figure of the business, and "accuracy rose 8%" is no
 * business figure at all. Movement words only name percentages: "increased by $2 million"
 * says nothing about what. Plain numbers only by what is counted or is a ratio (headcount,
 * daily active users, net debt to EBITDA), and only through a copula ("Headcount was
 * 71,469"): a number is otherwise too often a year, a page or a code.
 */
export const METRIC_KEYWORDS: readonly MetricKeyword[] = [
  { label: 'revenue', pattern: 'revenues?|sales|turnover|top[- ]line', kinds: MONEY },
  { label: 'net_income', pattern: 'net (?:income|profits?|earnings)|bottom[- ]line', kinds: MONEY },
  { label: 'net_loss', pattern: 'net loss(?:es)?', kinds: MONEY },
  {
    label: 'operating_income',
    pattern: 'operating (?:income|profits?|loss(?:es)?)|income from operations',
    kinds: MONEY,
  },
  { label: 'gross_profit', pattern: 'gross profits?', kinds: MONEY },
  { label: 'ebitda', pattern: '(?:adjusted )?ebitda', kinds: MONEY },
  // Earnings before interest, taxes and amortisation (of acquired intangibles): Nordic and
  // construction companies' operating measure, not EBITDA.
  { label: 'ebita', pattern: 'ebita', kinds: MONEY },
  {
    label: 'net_debt_to_ebitda',
    pattern: 'net (?:total )?debt to (?:adjusted )?ebitda(?: ratio)?|leverage ratio',
    kinds: NUMBER,
  },
  { label: 'ebitda_margin', pattern: '(?:adjusted )?ebitda margins?', kinds: PERCENT },
  { label: 'gross_margin', pattern: 'gross margins?', kinds: PERCENT },
  { label: 'operating_margin', pattern: 'operating margins?', kinds: PERCENT },
  { label: 'net_margin', pattern: 'net margins?|profit margins?', kinds: PERCENT },
  { label: 'margin', pattern: 'margins?', kinds: PERCENT },
  { label: 'profit', pattern: 'profits?|earnings', kinds: MONEY },
  { label: 'loss', pattern: 'loss(?:es)?', kinds: MONEY },
  { label: 'income', pattern: 'income', kinds: MONEY },
  {
    label: 'eps',
    pattern: '(?:net )?(?:earnings|income|loss) per (?:diluted |basic )?(?:common )?share|(?:diluted |basic )?eps',
    kinds: MONEY,
  },
  { label: 'operating_expenses', pattern: 'operating (?:expenses?|costs?)|opex', kinds: MONEY },
  { label: 'expenses', pattern: 'expenses?|expenditures?|spending', kinds: MONEY },
  { label: 'capex', pattern: 'capital expenditures?|capex', kinds: MONEY },
  { label: 'costs', pattern: 'costs?', kinds: MONEY },
  { label: 'free_cash_flow', pattern: 'free cash flows?', kinds: MONEY },
  { label: 'cash_flow', pattern: '(?:operating )?cash flows?', kinds: MONEY },
  { label: 'cash', pattern: 'cash(?: and cash equivalents)?', kinds: MONEY },
  { label: 'debt', pattern: 'debt|borrowings?', kinds: MONEY },
  { label: 'assets', pattern: 'assets', kinds: MONEY },
  { label: 'liabilities', pattern: 'liabilities', kinds: MONEY },
  { label: 'equity', pattern: 'equity', kinds: MONEY },
  { label: 'dividend', pattern: 'dividends?', kinds: MONEY },
  { label: 'budget', pattern: 'budgets?', kinds: MONEY },
  { label: 'investment', pattern: 'investments?|invested', kinds: MONEY },
  { label: 'valuation', pattern: 'valuation|market (?:cap|capitalization)', kinds: MONEY },
  { label: 'target_price', pattern: '(?:target price|price target)s?', kinds: MONEY },
  { label: 'price', pattern: 'prices?', kinds: MONEY },
  { label: 'order_book', pattern: 'order (?:book|backlog)s?|backlogs?', kinds: MONEY },
  {
    label: 'share_repurchases',
    pattern: '(?:share )?repurchased|(?:share )?repurchases|(?:share )?buybacks?|bought back',
    kinds: MONEY,
  },
  // Same-store sales: a growth rate by definition, stated as a percentage.
  {
    label: 'identical_sales',
    pattern: '(?:identical|comparable|same[- ]store|like[- ]for[- ]like)(?: store)? sales',
    kinds: PERCENT,
  },
  { label: 'headcount', pattern: 'headcount|number of employees|employees', kinds: NUMBER },
  { label: 'daily_active_users', pattern: 'daily active (?:users|people)', kinds: NUMBER },
  { label: 'monthly_active_users', pattern: 'monthly active (?:users|people)', kinds: NUMBER },
  { label: 'tax_rate', pattern: 'tax rate', kinds: PERCENT },
  { label: 'tax', pattern: 'tax(?:es)?', kinds: MONEY },
  { label: 'interest_rate', pattern: 'interest rates?', kinds: PERCENT },
  { label: 'inflation', pattern: 'inflation', kinds: PERCENT },
  { label: 'market_share', pattern: 'market share', kinds: PERCENT },
  { label: 'return_on_equity', pattern: 'return on equity|roe', kinds: PERCENT },
  { label: 'return_on_investment', pattern: 'return on investment|roi', kinds: PERCENT },
  { label: 'churn', pattern: 'churn(?: rate)?', kinds: PERCENT },
  { label: 'unemployment', pattern: 'unemployment(?: rate)?', kinds: PERCENT },
  {
    label: 'growth',
    pattern:
      'growth|grow(?:s|n|ing)?|grew|increase[sd]?|increasing|rose|rise[sn]?|up|gain(?:s|ed)?|expand(?:s|ed)?|higher',
    kinds: PERCENT,
    movement: true,
  },
  {
    label: 'decline',
    pattern:
      'declin(?:e|es|ed|ing)|decrease[sd]?|decreasing|fell|fall(?:s|en)?|drop(?:s|ped)?|down|lower|shr[ai]nk|contract(?:s|ed)',
    kinds: PERCENT,
    movement: true,
  },
];
