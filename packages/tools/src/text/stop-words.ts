/**
 * English function words, left out when deciding what a text is about (summary scoring,
 * top terms), plus number scale words ("million"), which say how big, not what about.
 * Short on purpose: domain words such as "company" or "year" carry meaning in some documents.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  `a about above after again against all also am an and any are as at be because been before being below
  between both but by can could did do does doing down during each either else ever every few for from
  further had has have having he her here hers herself him himself his how however i if in into is it its
  itself just let me more most much must my myself neither no nor not now of off on once only or other
  our ours ourselves out over own per same shall she should since so some such than that the their theirs
  them themselves then there these they this those though through thus to too under until upon us very
  via was we were what when where whether which while who whom whose why will with within without would
  yet you your yours yourself yourselves
  s t d ll m re ve isn aren wasn weren hasn haven hadn doesn don didn won wouldn shan shouldn can't cannot
  couldn mustn let's it's that's there's here's what's who's
  thousand million billion trillion mn bn`
    .split(/\s+/)
    .filter((w) => w.length > 0),
);
