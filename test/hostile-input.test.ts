/**
 * Hostile strings through every profile string field: the schema refuses them (exit 2, naming
 * the field), and where a construct is called directly (no schema), the value reaches the
 * boot script quoted, so a shell runs it as data.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { parse } from 'yaml';
import { UsageError } from '../core/errors';
import { loadProfile, parseProfile, PROFILE_STRING_PATTERNS } from '../core/profile';
import { AlarmTopic } from '../constructs/aws/alarm-topic';
import { InstanceFleet } from '../constructs/aws/instance-fleet';
import { ROOT, STAGEKIT_BIN } from './support/paths';

const example = () => parse(fs.readFileSync(path.join(ROOT, 'profiles', 'growing-product.yaml'), 'utf8'));

/** Every string field of the profile, as a path, with a value it accepts. */
const STRING_FIELDS: Array<[string, string]> = [
  ['name', 'growing-shop'],
  ['$schema', './profile.schema.json'],
  ['app.image', 'registry.example.com:5000/team/app:1.2.3'],
  ['app.healthCheckPath', '/healthz?full=1&db=yes'],
  ['alerts.email', 'sre+alerts@example.com'],
  ['tls.host', 'shop.example.com'],
];

const HOSTILE = [
  '$(reboot)',
  '/$(reboot)',
  '`reboot`',
  '/x`id`',
  '/${IFS}reboot',
  '${jndi:ldap://x}',
  '/x\nreboot',
  '/x\r\nreboot',
  "/x'; reboot; '",
  '/x" && reboot #',
  '/x;reboot',
  '/x|reboot',
  '/x > /etc/passwd',
  '/x\u0000y',
  '/ünïcödé',
  '/x\u202ey', // right-to-left override
  'ｒｅｂｏｏｔ', // full-width letters
  `/${'a'.repeat(5000)}`,
  '',
  ' ',
  '--help',
  '-rf',
];

function setAt(obj: any, fieldPath: string, value: unknown): void {
  const keys = fieldPath.split('.');
  let node = obj;
  for (const key of keys.slice(0, -1)) node = node[key] ??= {};
  node[keys[keys.length - 1]] = value;
}

describe('hostile strings in the profile', () => {
  test.each(STRING_FIELDS)('%s accepts a legitimate value', (field, good) => {
    const input = example();
    setAt(input, field, good);
    expect(() => parseProfile(input)).not.toThrow();
  });

  test.each(STRING_FIELDS)('%s refuses every hostile string with a usage error naming the field', (field) => {
    for (const hostile of HOSTILE) {
      const input = example();
      setAt(input, field, hostile);
      let error: unknown;
      try {
        parseProfile(input, 'p.yaml');
      } catch (err) {
        error = err;
      }
      if (!(error instanceof UsageError)) throw new Error(`${field} = ${JSON.stringify(hostile).slice(0, 80)} was accepted`);
      expect(error.message).toContain(`p.yaml: ${field}:`);
    }
  });

  test('the patterns hold no shell metacharacter in any value they accept', () => {
    // Spot-check: characters a shell or YAML treats specially never match any pattern in any position.
    for (const [name, pattern] of Object.entries(PROFILE_STRING_PATTERNS)) {
      for (const ch of ['$', '`', "'", '"', ';', '|', '\n', '\\', ' ', '(', ')', '<', '>', '*', '{', '}', '!']) {
        const samples = name === 'email' ? [`a${ch}b@example.com`] : name === 'healthCheckPath' ? [`/a${ch}b`, `/a?b${ch}c`] : [`a${ch}b`];
        for (const sample of samples) expect({ name, sample, ok: pattern.test(sample) }).toEqual({ name, sample, ok: false });
      }
    }
  });

  test('through the CLI: exit 2, the field named, no stack trace, nothing written', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagekit-hostile-'));
    try {
      // One process per case costs seconds (the CLI loads aws-cdk-lib): the in-process tests above cover every field.
      const cases: Array<[string, string]> = [['app.healthCheckPath', '/$(reboot)']];
      for (const [field, value] of cases) {
        const input = example();
        setAt(input, field, value);
        const file = path.join(dir, 'hostile.json');
        fs.writeFileSync(file, JSON.stringify(input));
        const out = path.join(dir, 'out');
        const r = spawnSync(process.execPath, [STAGEKIT_BIN, 'synth', '--stage', 'split-tier', '--target', 'aws', '--profile', file, '--out', out], {
          cwd: ROOT,
          encoding: 'utf8',
          env: { ...process.env, NO_COLOR: '1' },
        });
        expect({ field, status: r.status }).toEqual({ field, status: 2 });
        expect(r.stderr).toContain(`${field}:`);
        expect(r.stderr).not.toMatch(/\n\s+at /);
        expect(fs.existsSync(out)).toBe(false);
      }
      // A device, a directory: refused at once instead of read forever.
      for (const file of ['/dev/zero']) {
        const r = spawnSync(process.execPath, [STAGEKIT_BIN, 'explain', '--stage', 'split-tier', '--profile', file], { cwd: ROOT, encoding: 'utf8', timeout: 30000 });
        expect({ file, status: r.status }).toEqual({ file, status: 2 });
        expect(r.stderr).toMatch(/expected a regular profile file/);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('a directory or device as the profile is refused without reading it', () => {
  for (const file of [os.tmpdir(), '/dev/zero', '/dev/urandom']) {
    expect(() => loadProfile(file)).toThrow(/expected a regular profile file/);
  }
});

describe('construct library: values no schema saw reach the boot script as data', () => {
  function fleetUserData(healthCheckPath: string, image: string): string {
    const app = new App();
    const stack = new Stack(app, 'Hostile', { env: { account: '111111111111', region: 'us-east-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const fleet = new InstanceFleet(stack, 'Fleet', {
      vpc,
      instanceType: 'm7g.large',
      minCapacity: 1,
      maxCapacity: 2,
      container: { image, port: 8080, healthCheckPath },
      alarms: new AlarmTopic(stack, 'Alarms', {}),
    });
    // CDK tokens (region, log group) stand for CloudFormation references: replace them with plain words.
    return fleet.userData.render().replace(/\$\{Token\[[^\]]+\]\}/g, 'RESOLVED');
  }

  test('a health check path with command substitution stays a literal URL when the script runs', () => {
    const marker = path.join(os.tmpdir(), `stagekit-pwned-${process.pid}`);
    const hostilePath = `/$(touch$IFS${marker})\`touch$IFS${marker}\`\${HOME}'"`;
    const hostileImage = `nginx:1.27'; touch ${marker}; '`;
    const script = fleetUserData(hostilePath, hostileImage);
    const urlLine = script.split('\n').find((l) => l.startsWith('URL='))!;
    const runLine = script.split('\n').find((l) => l.startsWith('docker run'))!;
    expect(urlLine).toBeDefined();
    // Run the two lines the way the instance would, with `docker` replaced by printf: nothing may execute.
    const probe = `set -u\n${urlLine}\nprintf '%s' "$URL"\nprintf '\\n'\ndocker() { printf '%s\\n' "$@"; }\nINSTANCE_ID=i-1\n${runLine}\n`;
    const r = spawnSync('bash', ['-c', probe], { encoding: 'utf8' });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(fs.existsSync(marker)).toBe(false);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`http://127.0.0.1:8080${hostilePath}`);
    expect(lines).toContain(hostileImage);
  });

  test('a path with a newline is refused by the construct', () => {
    expect(() => fleetUserData('/ok\nreboot', 'nginx')).toThrow(/healthCheckPath/);
  });
});
