import { describe, expect, it } from 'vitest';
import { forwardedSender, isValidAddress, snippetOf } from '../../../domain/emails/mail-content.ts';

describe('the original sender of an inline forward', () => {
  it('reads German Outlook’s forward block', () => {
    const text = [
      'Hallo Team,',
      '',
      'bitte übernehmen.',
      '',
      'Von: Max Mustermann <max@kunde.de>',
      'Gesendet: Montag, 30. November 2026 10:12',
      'An: Anna Vertrieb <anna@firma.de>',
      'Betreff: Angebot',
      '',
      'Sehr geehrte Frau Vertrieb,',
    ].join('\n');
    expect(forwardedSender(text, 'WG: Angebot')).toEqual({ name: 'Max Mustermann', address: 'max@kunde.de' });
  });

  it('reads English Outlook’s “Original Message” block with a mailto address', () => {
    const text = [
      'FYI',
      '',
      '-----Original Message-----',
      'From: Max Mustermann [mailto:Max@Kunde.de]',
      'Sent: Monday, November 30, 2026 10:12 AM',
      'To: Anna <anna@firma.de>',
      'Subject: Quote',
      '',
      'Hello',
    ].join('\n');
    expect(forwardedSender(text, 'FW: Quote')).toEqual({ name: 'Max Mustermann', address: 'max@kunde.de' });
  });

  it('reads Gmail’s, Apple Mail’s and Thunderbird’s forward blocks', () => {
    const gmail =
      '---------- Forwarded message ---------\nFrom: Max <max@kunde.de>\nDate: Mon, Nov 30, 2026 at 10:12 AM\nSubject: Quote\nTo: <anna@firma.de>\n\nHello';
    expect(forwardedSender(gmail, 'Fwd: Quote')?.address).toBe('max@kunde.de');
    const apple =
      'Begin forwarded message:\n\nFrom: Max <max@kunde.de>\nSubject: Quote\nDate: 30 November 2026 at 10:12:00 CET\nTo: Anna <anna@firma.de>\n\nHello';
    expect(forwardedSender(apple, 'Fwd: Quote')?.address).toBe('max@kunde.de');
    const thunderbird =
      '-------- Weitergeleitete Nachricht --------\nBetreff: \tAngebot\nDatum: \tMon, 30 Nov 2026 10:12:00 +0100\nVon: \tMax <max@kunde.de>\nAn: \tanna@firma.de\n\nHallo';
    expect(forwardedSender(thunderbird, 'WG: Angebot')?.address).toBe('max@kunde.de');
  });

  it('finds none in a mail that forwards nothing', () => {
    expect(forwardedSender('Guten Tag, anbei das Angebot.', 'Angebot')).toBeNull();
    expect(forwardedSender(null, null)).toBeNull();
  });
});

describe('the snippet: the mail’s own words', () => {
  it('cuts a German quoted reply and the signature', () => {
    const text =
      'Danke, passt so.\n\n-- \nAnna Vertrieb\nFirma GmbH\n\nAm 30.11.2026 um 10:12 schrieb Max <max@kunde.de>:\n> Hallo\n> Angebot?';
    expect(snippetOf(text)).toBe('Danke, passt so.');
  });

  it('cuts the attribution line of a quote in its short forms', () => {
    expect(snippetOf('Guten Tag,\nanbei das Angebot.\n\nAm 01.12.2026 schrieb Max Kunde:\n> Bitte ein Angebot.')).toBe(
      'Guten Tag, anbei das Angebot.',
    );
    expect(snippetOf('Thanks!\n\nMax Kunde wrote on Tue, Dec 1, 2026:\n> Please')).toBe('Thanks!');
    // a colon in the mail's own last line is no attribution
    expect(snippetOf('Die Zahlen:\nUmsatz: 12')).toBe('Die Zahlen: Umsatz: 12');
  });

  it('cuts Outlook’s “Ursprüngliche Nachricht” block', () => {
    const text =
      'Passt.\n\n-----Ursprüngliche Nachricht-----\nVon: Max\nGesendet: Montag\nAn: Anna\nBetreff: Angebot\n\nHallo';
    expect(snippetOf(text)).toBe('Passt.');
  });

  it('folds whitespace and cuts long text to 300 characters with an ellipsis', () => {
    const long = snippetOf(`Wort ${'x'.repeat(1_000)}`);
    expect(long?.length).toBe(301);
    expect(long?.endsWith('…')).toBe(true);
    expect(snippetOf('  a \n\n b  ')).toBe('a b');
    expect(snippetOf('')).toBeNull();
  });
});

describe('valid addresses', () => {
  it('keeps addresses and refuses what is none', () => {
    for (const good of ['max@kunde.de', 'max.mustermann+crm@sub.kunde.co.uk', 'jürgen@müller.de', '"max m"@kunde.de'])
      expect(isValidAddress(good), good).toBe(true);
    for (const bad of [
      'max',
      'max@',
      '@kunde.de',
      'max@kunde',
      'max@@kunde.de',
      'max kunde@kunde.de',
      'max@kunde..de',
      'a@b.c',
      `${'x'.repeat(65)}@kunde.de`,
      'undisclosed-recipients:;',
    ])
      expect(isValidAddress(bad), bad).toBe(false);
  });
});
