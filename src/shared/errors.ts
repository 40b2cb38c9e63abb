/** The message of anything thrown: an Error's own message, or the value as text (a thrown string, say). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
