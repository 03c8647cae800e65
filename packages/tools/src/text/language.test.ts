import { describe, expect, it } from 'vitest';
import { detectLanguage } from './language';

describe('detectLanguage', () => {
  it.each([
    ['Revenue rose 12% to $4.1bn in the quarter, driven by strong demand.', 'en'],
    ['Der Umsatz stieg im vierten Quartal um 12 Prozent auf 4,1 Milliarden Euro.', 'de'],
    ["Le comité de démolition s'est réuni le 3 mai pour examiner la demande.", 'fr'],
    ['Las exportaciones pesqueras de Argentina crecieron durante el año.', 'es'],
    ['当社の売上高は前年同期比で増加しました。', 'ja'],
    // Kanji only, as in a statement's row labels: tinyld alone cannot tell; the kana of the title can.
    ['株式会社極洋 決算短信\n当期純利益 1,269\n剰余金の配当 △525', 'ja'],
    ['东北电气发展股份有限公司 2018年第一季度报告', 'zh'],
    ['', 'und'],
  ])('%s → %s', (text, code) => {
    expect(detectLanguage(text)).toBe(code);
  });
});
