// Owns a test helper for properties: run `fn` and return what it threw (or null), so a property can say which errors
// are allowed and fail on any other.
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
    return null;
  } catch (error) {
    return error;
  }
}
