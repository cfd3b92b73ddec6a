/**
 * What readers without write access (a public dashboard's visitors) see of the server's file system:
 * nothing. Absolute paths in any text — a folder dataset queued by its absolute path, an error message
 * naming a file — are cut to their last part (`folder:/srv/data/pets` → `folder:…/pets`).
 */

/**
 * An absolute path: `/` then one or more `segment/`, then the last segment, after a boundary (start,
 * space, quote, bracket, `=`, `:`, `,`, a backtick) or `file://`. URLs' `//host` never match.
 */
const ABSOLUTE_PATH = /(^|[\s"'(=:,[`]|file:\/\/)\/(?:[^\s"'()/,;[\]`]+\/)+([^\s"'()/,;[\]`]*)/g;

export function hidePathsInText(text: string): string {
  return text.replace(ABSOLUTE_PATH, (_, before: string, last: string) => `${before}…/${last}`);
}

/** `value` with every string inside it (objects and arrays walked; dates and the like kept) cut so. */
export function hideServerPaths<T>(value: T): T {
  if (typeof value === 'string') return hidePathsInText(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => hideServerPaths(item)) as T;
  if (
    value !== null &&
    typeof value === 'object' &&
    Object.getPrototypeOf(value) === Object.prototype
  )
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, hideServerPaths(item)]),
    ) as T;
  return value;
}
