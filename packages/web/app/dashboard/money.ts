/** Amounts typed by people ("1,250.50") into the integer minor units the budget keeps, and back. */
import { minorDigits } from "@controlroom/studio/budget/money.ts";

/**
 * "1,250.50" in EUR → 125050. @returns null when `text` is not an amount in that currency (letters, more
 * decimals than the currency has).
 */
export function parseMoney(text: string, currency: string): number | null {
  const t = text.trim().replace(/[\s,']/g, "");
  const d = minorDigits(currency);
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(t);
  if (!m || (m[3] ?? "").length > d) return null;
  const minor = Number(m[2]) * 10 ** d + Number((m[3] ?? "").padEnd(d, "0") || 0);
  return m[1] ? -minor : minor;
}

/** 125050 in EUR → "1250.50" (for a field to edit). */
export function moneyField(minor: number, currency: string): string {
  const d = minorDigits(currency);
  return d ? (minor / 10 ** d).toFixed(d) : String(minor);
}
