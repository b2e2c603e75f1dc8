export type PatientTokenStyle = 'initials-mrn4' | 'mrn4' | 'none';

/**
 * The minimum-necessary patient reference shown on cards (DOMAIN.md §4.3 #3): initials plus
 * the last four of the MRN. Never the full name or full MRN.
 */
export function patientToken(patient: { id: string; name?: string | undefined; mrn?: string | undefined }, style: PatientTokenStyle): string {
  if (style === 'none') return '';
  const last4 = (patient.mrn ?? patient.id).replace(/[^A-Za-z0-9]/g, '').slice(-4);
  if (style === 'mrn4') return `…${last4}`;
  const initials = (patient.name ?? '')
    .split(/[\s,]+/)
    .filter(Boolean)
    // The first code point, not the first UTF-16 unit: "𠮷" or an emoji is two units, and half of one is not a character.
    .map((w) => String.fromCodePoint(w.codePointAt(0)!).toUpperCase())
    .slice(0, 3)
    .join('.');
  return initials ? `${initials}. …${last4}` : `…${last4}`;
}
