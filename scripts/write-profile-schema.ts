/** Regenerates profiles/profile.schema.json from the zod schema (editors autocomplete profiles with it). */
import * as fs from 'fs';
import * as path from 'path';
import { profileJsonSchema } from '../core/profile';

const file = path.join(__dirname, '..', 'profiles', 'profile.schema.json');
fs.writeFileSync(file, `${JSON.stringify(profileJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
