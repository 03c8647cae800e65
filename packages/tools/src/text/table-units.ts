/*
 * What a table says about its amounts: the unit (scale and currency) a line above the rows declares.
 */
/** The unit a table declares for its amounts ("In millions", "Yen (millions)", "(単位：百万円)", "M€"). */
export interface Unit {
  scale: string | undefined;
  currency: string | undefined;
}

// A unit stated once holds for the table under it: this many sentences at most.
export const UNIT_REACH = 60;
const UNIT_SCALE: readonly (readonly [RegExp, string])[] = [
  [
    /百万円|百万元|(?<![\p{L}])(?:in |\()?millions?(?![\p{L}])|(?<![\p{L}])mill?\.(?=\s|$)|\bM€|\bMEUR\b|\bM\.?U\$S\b/iu,
    'million',
  ],
  [/千円|千元|(?<![\p{L}])(?:in |\()?thousands?(?![\p{L}])|\bT€|\bTEUR\b/iu, 'thousand'],
  [/十亿|(?<![\p{L}])(?:in |\()?billions?(?![\p{L}])/iu, 'billion'],
  [/(?<![\p{L}])(?:in )?crores?(?![\p{L}])/iu, 'crore'],
];
const UNIT_CURRENCY: readonly (readonly [RegExp, string])[] = [
  [/円|(?<![\p{L}])yen(?![\p{L}])|¥/iu, 'JPY'],
  [/元|人民币|(?<![\p{L}])(?:rmb|cny)(?![\p{L}])/iu, 'CNY'],
  [/€|(?<![\p{L}])eur(?:os?)?(?![\p{L}])|MEUR/iu, 'EUR'],
  [/₹|(?<![\p{L}])(?:inr|rs\.?)(?![\p{L}])|crore/iu, 'INR'],
  [/£|(?<![\p{L}])gbp(?![\p{L}])/iu, 'GBP'],
  [/u\$s|us\$|\$|(?<![\p{L}])usd(?![\p{L}])/iu, 'USD'],
];
// A sentence that declares a unit: short, and saying so ("In millions, except ...", "単位：元").
const UNIT_STATEMENT =
  /(?:^|[\s(（])(?:in (?:millions|thousands|billions|crores?)|\(?(?:yen|euros?|dollars|usd|eur)\s*\((?:millions|thousands)\)|単位|单位|百万円|千円|M€|MEUR|Mill\.)/iu;
const MAX_UNIT_STATEMENT_WORDS = 30;

export function isUnitStatement(text: string): boolean {
  return UNIT_STATEMENT.test(text) && text.split(/\s+/u).length <= MAX_UNIT_STATEMENT_WORDS;
}

export function unitOf(text: string): Unit {
  return {
    scale: UNIT_SCALE.find(([pattern]) => pattern.test(text))?.[1],
    currency: UNIT_CURRENCY.find(([pattern]) => pattern.test(text))?.[1],
  };
}
