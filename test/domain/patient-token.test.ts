import { describe, expect, it } from 'vitest';
import { patientToken } from '../../src/domain/patient-token.ts';

describe('patient token', () => {
  it('takes initials by code point, so a name starting with an astral character stays well-formed', () => {
    const cases: Array<[string, string]> = [
      ['Maria Lopez', 'M.L. …4321'],
      ['𠮷野 太郎', '𠮷.太. …4321'],
      ['😀 Smith', '😀.S. …4321'],
      ['𝒜lice de la 𝔅rown', '𝒜.D.L. …4321'],
      ['lopez, maria', 'L.M. …4321'],
    ];
    for (const [name, token] of cases) {
      const t = patientToken({ id: 'p', name, mrn: '77704321' }, 'initials-mrn4');
      expect(t).toBe(token);
      expect(/\p{Cs}/u.test(t)).toBe(false); // no lone surrogate
    }
  });

  it('falls back to the last four of the id, and honours the other styles', () => {
    expect(patientToken({ id: 'pt-00012345' }, 'initials-mrn4')).toBe('…2345');
    expect(patientToken({ id: 'p', name: 'Maria Lopez', mrn: '77704321' }, 'mrn4')).toBe('…4321');
    expect(patientToken({ id: 'p', name: 'Maria Lopez', mrn: '77704321' }, 'none')).toBe('');
  });
});
