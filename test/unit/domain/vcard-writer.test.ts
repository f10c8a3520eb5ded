// Writing vCards: escaping, quoting and folding as RFC 2426 and RFC 6350 ask, read back by our reader.
import { describe, expect, it } from 'vitest';
import { readVCards, structuredValue, unescapeText } from '../../../domain/vcards/vcard-lines.ts';
import { escapeText, foldLine, formatVCard, list, structured } from '../../../domain/vcards/vcard-writer.ts';

const octets = (line: string) => new TextEncoder().encode(line).length;

describe('writing vCards', () => {
  it('escapes backslash, newline, comma and semicolon in text and in each component', () => {
    expect(escapeText('Müller, Meier; Partner\\Büro\nZweite Zeile')).toBe(
      'Müller\\, Meier\\; Partner\\\\Büro\\nZweite Zeile',
    );
    expect(structured(['Schmidt; Sohn', 'Anna', undefined])).toBe('Schmidt\\; Sohn;Anna;');
    expect(list(['Kunde', 'Messe, 2026'])).toBe('Kunde,Messe\\, 2026');
  });

  it('folds at 75 octets without splitting a character, every continuation starting with a space', () => {
    const line = `NOTE:${'ä'.repeat(100)}😀${'ß'.repeat(40)}`;
    const folded = foldLine(line);
    const lines = folded.split('\r\n');
    expect(lines.length).toBeGreaterThan(3);
    for (const [i, part] of lines.entries()) {
      expect(octets(part)).toBeLessThanOrEqual(75);
      if (i > 0) expect(part.startsWith(' ')).toBe(true);
    }
    // unfolded, the line is whole again: no character was cut
    expect(lines.map((part, i) => (i === 0 ? part : part.slice(1))).join('')).toBe(line);
  });

  it('writes a card that reads back field for field, umlauts, escapes and long lines included', () => {
    const note =
      'Kundin seit 2019; bevorzugt Anrufe, keine E-Mails.\nZweite Zeile mit Ümläuten und mehr Text, der lang genug ist, um gefaltet zu werden.';
    const file = formatVCard('3.0', [
      { name: 'N', value: structured(['Groß-Weiß', 'Jörg', '', 'Dr.', '']) },
      { name: 'FN', value: escapeText('Dr. Jörg Groß-Weiß') },
      { name: 'ORG', value: structured(['Weiß & Co. KG']) },
      {
        name: 'ADR',
        params: [['TYPE', ['work']]],
        value: structured(['', '', 'Königsallee 1', 'Düsseldorf', '', '40212', 'Deutschland']),
      },
      { name: 'EMAIL', params: [['TYPE', ['internet', 'pref']]], value: 'joerg@weiss.example' },
      { name: 'NOTE', value: escapeText(note) },
      { name: 'X-LABEL', params: [['LABEL', ['a:b;c']]], value: 'x' },
    ]);
    expect(file.startsWith('BEGIN:VCARD\r\nVERSION:3.0\r\n')).toBe(true);
    expect(file.endsWith('END:VCARD\r\n')).toBe(true);
    const [card] = readVCards(file);
    const value = (name: string) => card?.properties.find((p) => p.name === name);
    expect(structuredValue(value('N')?.value ?? '', '3.0')).toEqual(['Groß-Weiß', 'Jörg', '', 'Dr.', '']);
    expect(structuredValue(value('ADR')?.value ?? '', '3.0')[3]).toBe('Düsseldorf');
    expect(value('EMAIL')?.params.TYPE).toEqual(['internet', 'pref']);
    expect(unescapeText(value('NOTE')?.value ?? '', '3.0')).toBe(note);
    expect(value('X-LABEL')?.params.LABEL).toEqual(['a:b;c']);
    expect(card?.problems).toEqual([]);
  });
});
