/** A mistake in how the command was called; the CLI exits 2 for it, as for commander's own usage errors. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
