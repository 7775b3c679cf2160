import { describe, expect, it } from 'vitest';
import { dateRange, localDayEnd, localDayStart, toDateInput } from './date-range';

describe('date range', () => {
  it('starts "From" at local midnight and ends "To" at the next local midnight', () => {
    expect(localDayStart('2026-03-05')).toBe(new Date(2026, 2, 5).getTime());
    expect(localDayEnd('2026-03-05')).toBe(new Date(2026, 2, 6).getTime());
    expect(dateRange('2026-03-05', '2026-03-05')).toEqual({ ok: true, from: new Date(2026, 2, 5).getTime(), to: new Date(2026, 2, 6).getTime() });
  });

  it('rolls the end over months and years', () => {
    expect(localDayEnd('2026-01-31')).toBe(new Date(2026, 1, 1).getTime());
    expect(localDayEnd('2026-12-31')).toBe(new Date(2027, 0, 1).getTime());
    expect(localDayEnd('2028-02-28')).toBe(new Date(2028, 1, 29).getTime());
  });

  it('leaves an empty side open', () => {
    expect(dateRange('', '')).toEqual({ ok: true, from: null, to: null });
    expect(dateRange('', '2026-03-05')).toEqual({ ok: true, from: null, to: new Date(2026, 2, 6).getTime() });
    expect(dateRange(' 2026-03-05 ', '')).toEqual({ ok: true, from: new Date(2026, 2, 5).getTime(), to: null });
  });

  it('refuses days that do not exist, other shapes, and a "From" after the "To"', () => {
    expect(localDayStart('2026-02-30')).toBe('invalid');
    expect(localDayStart('2026-13-01')).toBe('invalid');
    expect(localDayStart('05/03/2026')).toBe('invalid');
    expect(dateRange('2026-02-30', '')).toEqual({ ok: false, field: 'from', reason: 'invalid' });
    expect(dateRange('', 'tomorrow')).toEqual({ ok: false, field: 'to', reason: 'invalid' });
    expect(dateRange('2026-03-06', '2026-03-05')).toEqual({ ok: false, field: 'to', reason: 'order' });
  });

  it('writes a moment as a date input value in local time', () => {
    expect(toDateInput(new Date(2026, 0, 9, 23, 59).getTime())).toBe('2026-01-09');
    expect(localDayStart(toDateInput(new Date(2026, 6, 4, 12).getTime()))).toBe(new Date(2026, 6, 4).getTime());
  });
});
