import { describe, expect, it } from 'vitest';
import { findDates } from './dates';

describe('findDates', () => {
  it('finds dates that state their year, labelled by the word before them, as ISO dates', () => {
    expect(
      findDates([
        'The dividend is payable on March 15, 2024 to holders of record.',
        'The quarter ended 31 December 2023 with record sales.',
        'The meeting is on 2024-04-18 in Bristol.',
        'Cash stood at $6.8 million on December 31, 2023.',
      ]).map((d) => [d.label, d.value, d.sentence]),
    ).toEqual([
      ['payment_date', '2024-03-15', 0],
      ['period_end', '2023-12-31', 1],
      ['meeting_date', '2024-04-18', 2],
      ['date', '2023-12-31', 3],
    ]);
  });

  it('leaves out dates without a year, relative dates and bare years, so the result never depends on today', () => {
    expect(
      findDates([
        'We met on March 15 and again next Friday.',
        'In 2024 we expect growth.',
        'Revenue rose 15% to $10.5 million.',
      ]),
    ).toEqual([]);
  });

  it('reads no year out of an amount after a day and month, nor a year written in two digits', () => {
    expect(findDates(['Net asset value at 31 December 49,136 thousand.', 'Signed 3/15/24.'])).toEqual([]);
  });
});
