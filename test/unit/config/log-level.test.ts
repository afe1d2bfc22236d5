import fc from 'fast-check';
import { loadConfig } from '../../../shared/core/config';
import { LOG_LEVELS, logLevelOf } from '../../../shared/core/log-level';

/** LOG_LEVEL read apart from the app settings (for the functions that load no configuration). */
describe('logLevelOf', () => {
  it('is INFO when LOG_LEVEL is unset', () => {
    expect(logLevelOf({})).toBe('INFO');
  });

  it('takes every level in any case, as the app settings do', () => {
    const anyCase = fc
      .tuple(fc.constantFrom(...LOG_LEVELS), fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }))
      .map(([level, upper]) => [...level].map((c, i) => (upper[i] ? c : c.toLowerCase())).join(''));
    fc.assert(
      fc.property(anyCase, (LOG_LEVEL) => {
        expect(logLevelOf({ LOG_LEVEL })).toBe(LOG_LEVEL.toUpperCase());
        expect(
          loadConfig({
            LOG_LEVEL,
            PUBLIC_BASE_URL: 'https://api.example',
            ZALOPAY_API_BASE: 'https://sb-openapi.zalopay.vn',
          }).logLevel,
        ).toBe(LOG_LEVEL.toUpperCase());
      }),
    );
  });

  it('fails naming the variable, never with the value, for anything else', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !(LOG_LEVELS as readonly string[]).includes(s.toUpperCase())),
        (LOG_LEVEL) => {
          expect(() => logLevelOf({ LOG_LEVEL })).toThrow(
            /^Invalid configuration: LOG_LEVEL: must be one of DEBUG, INFO, WARN, ERROR, SILENT$/,
          );
        },
      ),
    );
  });
});
