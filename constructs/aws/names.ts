import { createHash } from 'crypto';

/**
 * A physical name for resources whose names must be known (and stable) at synth: lowercase
 * letters, digits and single hyphens, starting with a letter, at most `maxLength` characters.
 * When the joined parts are too long, the tail is cut and a short hash of the full name is
 * appended, so two long names never collide and the same input always gives the same name.
 */
export function physicalName(parts: readonly string[], maxLength: number): string {
  const full = parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '');
  if (!full) throw new Error(`physicalName: nothing usable in ${JSON.stringify(parts)}`);
  if (full.length <= maxLength) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 6);
  return `${full.slice(0, maxLength - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}
