/** Money as integer minor units (cents, pence…) with an ISO 4217 currency; never floating point. */

/** Digits after the decimal point for a currency (2 for EUR, 0 for JPY), from the platform's ICU data. */
export function minorDigits(currency: string): number {
  return (
    new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

/** Formats minor units for people, e.g. (123456, "EUR") → "1,234.56 EUR". */
export function formatMoney(minor: number, currency: string): string {
  const d = minorDigits(currency);
  const sign = minor < 0 ? "-" : "";
  const abs = Math.abs(minor);
  const whole = Math.floor(abs / 10 ** d).toLocaleString("en");
  const frac = d > 0 ? `.${String(abs % 10 ** d).padStart(d, "0")}` : "";
  return `${sign}${whole}${frac} ${currency}`;
}
