import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT } from './support/paths';

const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [path.join(ROOT, 'bin', 'stagekit.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });

describe('stagekit CLI', () => {
  test('stages lists the ladder in order', () => {
    const r = run(['stages']);
    expect(r.status).toBe(0);
    const order = ['single-server', 'split-tier', 'read-replicas', 'sharded', 'queue-pipeline'].map((s) => r.stdout.indexOf(s));
    expect(order.every((pos, i) => pos >= 0 && (i === 0 || pos > order[i - 1]))).toBe(true);
    expect(r.stdout).not.toMatch(/\u001b\[/); // NO_COLOR honoured
  });

  test('an unknown stage lists the valid ones and exits 2', () => {
    const r = run(['synth', '--stage', 'huge', '--target', 'k8s']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('error: Unknown stage "huge": expected one of single-server, split-tier, read-replicas, sharded, queue-pipeline.');
  });

  test('a malformed profile: one line naming the field, exit 2, nothing written', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagekit-cli-'));
    const profile = path.join(dir, 'bad.yaml');
    fs.writeFileSync(profile, fs.readFileSync(path.join(ROOT, 'profiles', 'fresh-startup.yaml'), 'utf8').replace('peakRequestsPerSecond: 40', 'peakRequestsPerSecond: -3'));
    const out = path.join(dir, 'out');
    const r = run(['synth', '--all', '--target', 'all', '--profile', profile, '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('error: bad.yaml: traffic.peakRequestsPerSecond: expected requests per second greater than 0, got -3');
    expect(fs.existsSync(out)).toBe(false);
  });

  test('synth writes a manifest per stage for k8s', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'stagekit-out-'));
    const r = run(['synth', '--stage', 'single-server', '--target', 'k8s', '--out', out, '--profile', path.join(ROOT, 'profiles', 'fresh-startup.yaml')]); // a profile one server carries: no capacity warning
    expect(r.status).toBe(0);
    expect(fs.readFileSync(path.join(out, 'k8s', 'single-server.k8s.yaml'), 'utf8')).toContain('kind: StatefulSet');
    // No spinner when piped; the only message is the plain-HTTP Ingress warning (the profile gives no tls).
    expect(r.stderr.split('\n').filter((l) => l.trim() && !/serves plain HTTP|tls\./.test(l))).toEqual([]);
  });
});
