import { describe, expect, it } from 'vitest';
import { buildReport } from '../../vault';
import { EMPTY_CONTROLS, filterOf } from './audit-filter';

function row(seq: number, at: number, action = 'key.reveal', outcome: 'ok' | 'denied' | 'failed' = 'ok') {
  return { seq, at, actor: 'u1', action, keyId: 'k1', version: 1, outcome };
}

describe('filterOf', () => {
  it('leaves everything open for empty controls', () => {
    expect(filterOf(EMPTY_CONTROLS)).toEqual({ ok: true, filter: { from: null, to: null, keyId: null, outcome: null } });
  });

  it('maps each control to the report filter', () => {
    const f = filterOf({ from: '2026-03-01', to: '2026-03-02', action: 'key.reveal', actor: 'system', keyId: 'k9', outcome: 'denied' });
    expect(f).toEqual({
      ok: true,
      filter: {
        from: new Date(2026, 2, 1).getTime(),
        to: new Date(2026, 2, 3).getTime(),
        actions: ['key.reveal'],
        actors: ['system'],
        keyId: 'k9',
        outcome: 'denied',
      },
    });
  });

  it('includes the whole "To" day and nothing after it', () => {
    const f = filterOf({ ...EMPTY_CONTROLS, from: '2026-03-01', to: '2026-03-01' });
    if (!f.ok) throw new Error('expected a filter');
    const rows = [
      row(1, new Date(2026, 1, 28, 23, 59, 59).getTime()),
      row(2, new Date(2026, 2, 1, 0, 0, 0).getTime()),
      row(3, new Date(2026, 2, 1, 23, 59, 59, 999).getTime()),
      row(4, new Date(2026, 2, 2, 0, 0, 0).getTime()),
    ];
    expect(buildReport(rows, f.filter).matches.map((m) => m.seq)).toEqual([3, 2]);
  });

  it('names the date field that is wrong', () => {
    expect(filterOf({ ...EMPTY_CONTROLS, from: '2026-02-31' })).toMatchObject({ ok: false, field: 'from' });
    expect(filterOf({ ...EMPTY_CONTROLS, from: '2026-03-02', to: '2026-03-01' })).toEqual({ ok: false, field: 'to', message: '“To” must not be before “From”.' });
  });
});
