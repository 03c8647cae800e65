import { describe, expect, it } from 'vitest';
import { cellsByHeader, readPeriodHeader } from './table-header';

describe("a table header's period columns", () => {
  it('reads years, newest first or last, with a change column, after any words before them', () => {
    expect(readPeriodHeader('In millions, except per share amounts 2023 2022 % Change')).toEqual({
      columns: 3,
      current: 0,
      change: 2,
    });
    expect(readPeriodHeader('2020 2021')).toEqual({ columns: 2, current: 1, change: undefined });
    expect(readPeriodHeader('Year ended FY2022 FY2023 Change')).toEqual({ columns: 3, current: 1, change: 2 });
  });

  it('reads the words Chinese and Japanese statements name their periods with', () => {
    expect(readPeriodHeader('本报告期 上年同期 本报告期比上年同期增减')).toEqual({ columns: 3, current: 0, change: 2 });
    expect(readPeriodHeader('前連結会計年度 当連結会計年度')).toEqual({ columns: 2, current: 1, change: undefined });
  });

  it('is no header with one period, with a number that is no year, or where estimates outnumber actual years', () => {
    expect(readPeriodHeader('2020')).toBeUndefined();
    expect(readPeriodHeader('Total 2,023 2,022')).toBeUndefined();
    expect(readPeriodHeader('Net income 2023 1,250')).toBeUndefined();
    expect(readPeriodHeader('2024 2025e 2026e 2027e')).toBeUndefined();
    // One estimate beside two actual years: the current column is the latest actual one.
    expect(readPeriodHeader('2023 2024 2025e')).toEqual({ columns: 3, current: 1, change: undefined });
  });

  it("places a row's cells under the columns: one each, or the same number per period", () => {
    const header = { columns: 3, current: 0, change: 2 };
    expect(cellsByHeader(3, header)).toEqual({ current: 0, change: 2 });
    expect(cellsByHeader(2, header)).toBeUndefined();
    expect(cellsByHeader(14, { columns: 7, current: 6, change: undefined })).toEqual({
      current: 12,
      change: undefined,
    });
  });
});
