import * as path from 'path';

/**
 * The profile every command reads when none is given. Its own module (no zod, no YAML parser) so the
 * CLI can show it in `--help` without loading the profile schema.
 */
export const DEFAULT_PROFILE_FILE = path.join(__dirname, '..', 'profiles', 'growing-product.yaml');
