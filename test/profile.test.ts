import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { loadProfile, parseProfile, profileJsonSchema } from '../core/profile';
import { UsageError } from '../core/errors';
import { ROOT } from './support/paths';

const profilesDir = path.join(ROOT, 'profiles');
const example = () => parse(fs.readFileSync(path.join(profilesDir, 'growing-product.yaml'), 'utf8'));

function errorOf(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error('expected a UsageError');
}

describe('workload profile', () => {
  test.each(['fresh-startup', 'growing-product', 'million-merchants'])('example %s validates', (name) => {
    const profile = loadProfile(path.join(profilesDir, `${name}.yaml`));
    expect(profile.name).toMatch(/^[a-z]/);
    expect(profile.assumptions.requestsPerSecondPerVcpu).toBeGreaterThan(0);
  });

  test('a wrong type names the field, what was expected and what was given', () => {
    const input = example();
    input.traffic.peakRequestsPerSecond = 'lots';
    const err = errorOf(() => parseProfile(input, 'p.yaml'));
    expect(err.message).toBe('p.yaml: traffic.peakRequestsPerSecond: expected requests per second, got "lots"');
    expect(err.exitCode).toBe(2);
  });

  test('an unknown field is reported with its path', () => {
    const input = example();
    input.traffic.peakRps = 5;
    expect(errorOf(() => parseProfile(input, 'p.yaml')).message).toContain('traffic.peakRps: unknown field');
  });

  test('a CPU target of 0 is refused (it would size an infinite fleet)', () => {
    const input = example();
    input.assumptions = { targetCpuUtilization: 0 };
    expect(errorOf(() => parseProfile(input, 'p.yaml')).message).toBe('p.yaml: assumptions.targetCpuUtilization: expected a CPU utilization from 0.05 to 1, got 0');
  });

  test('enums list the valid choices', () => {
    const input = example();
    input.async.queue = 'rabbitmq';
    expect(errorOf(() => parseProfile(input, 'p.yaml')).message).toBe('p.yaml: async.queue: expected one of sqs, kafka, got "rabbitmq"');
  });

  test('every bad field is reported, one per line', () => {
    const input = example();
    input.region = 'mars-1';
    input.traffic.readShare = 1.5;
    const lines = errorOf(() => parseProfile(input, 'p.yaml')).message.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('region: expected one of us-east-1, eu-central-1, ap-south-1, us-west-2, eu-west-1, ap-southeast-1, got "mars-1"');
    expect(lines[1]).toContain('traffic.readShare: expected a share of requests between 0 and 1, got 1.5');
  });

  test('invalid YAML and missing files are usage errors', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagekit-'));
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, 'name: [unclosed\n');
    expect(errorOf(() => loadProfile(bad)).message).toMatch(/bad\.yaml: line \d+ not valid YAML/);
    expect(errorOf(() => loadProfile(path.join(dir, 'missing.yaml'))).message).toContain('cannot read the profile (ENOENT)');
  });

  test('the published JSON Schema is current', () => {
    const published = JSON.parse(fs.readFileSync(path.join(profilesDir, 'profile.schema.json'), 'utf8'));
    expect(published).toEqual(profileJsonSchema());
  });
});
