/** Release identifiers: ISRC (ISO 3901) for recordings and UPC-A (GTIN-12) for releases. */

/**
 * Normalises an ISRC: "CC-XXX-YY-NNNNN" with or without hyphens → 12 upper-case characters.
 * @returns the normalised code, or null when it is not a valid ISRC (country and registrant
 * alphanumeric per ISO 3901: 2 letters, 3 alphanumerics, 2-digit year, 5-digit designation).
 */
export function normalizeIsrc(code: string): string | null {
  const c = code.replace(/-/g, "").toUpperCase();
  return /^[A-Z]{2}[A-Z0-9]{3}\d{2}\d{5}$/.test(c) ? c : null;
}

/** True for a 12-digit UPC-A whose last digit is the GS1 mod-10 check digit of the first 11. */
export function isValidUpc(code: string): boolean {
  if (!/^\d{12}$/.test(code)) return false;
  let sum = 0;
  for (let i = 0; i < 11; i++) sum += Number(code[i]) * (i % 2 === 0 ? 3 : 1);
  return (10 - (sum % 10)) % 10 === Number(code[11]);
}
