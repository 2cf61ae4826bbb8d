// The words of whatever was thrown, for a message to the user or the log.

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
