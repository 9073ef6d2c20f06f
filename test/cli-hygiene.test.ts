import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PassThrough } from 'stream';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { readK8sObjectsFile } from '../core/k8s-objects-file';
import { colorEnabled, colors, progress, table } from '../terminal/output';
import { STAGE_NAMES } from '../core/ladder';
import { checkOneRun, profileDigest, recordRun, RUN_MANIFEST } from '../cli/run-manifest';
import { loadProfile } from '../core/profile';
import { STAGE_OPTIONS, parseStageOptions } from '../core/stage-options';
import { computePlan } from '../core/plan';
import { activeShardsOf } from '../cli/options';
import { runCli } from './support/cli';
import { ROOT, TEST_PROFILE_FILE, STAGEKIT_BIN } from './support/paths';

const bin = STAGEKIT_BIN;
// The CLI's program in this process (test/support/cli.ts); the closed-pipe tests run the real bin.
const run = runCli;
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'stagekit-hygiene-'));
const snapshot = (dir: string): Record<string, string> => {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return files;
};

describe('a closed pipe ends output quietly', () => {
  test.each([['stages'], ['explain', '--all'], ['--help']])('stagekit %s | head -1: exit 0, nothing on stderr', (...args) => {
    // The shell closes the pipe after one line, as `head -1` does.
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${bin}" ${args.join(' ')} | head -1; exit "\${PIPESTATUS:-0}"`], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toBe('');
  });
});

describe('the spinner under NO_COLOR', () => {
  test('spins and fails on a terminal without colour codes', () => {
    const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 80, cursorTo: () => true, clearLine: () => true, moveCursor: () => true }) as unknown as NodeJS.WriteStream;
    let written = '';
    (stream as unknown as PassThrough).on('data', (d) => (written += String(d)));
    const spinner = progress('synthesizing', stream, { NO_COLOR: '1', TERM: 'xterm-256color' });
    spinner.text = 'still synthesizing';
    spinner.fail('sharded (aws) failed');
    expect(written).toContain('sharded (aws) failed');
    // Colour codes are ESC [ <n> m; cursor movement (ESC [ <n> G / K, ?25l) is allowed.
    expect(written).not.toMatch(/\u001b\[\d+(;\d+)*m/);
  });
});

describe('the spinner when piped or in CI', () => {
  test.each([
    ['piped', false, {}],
    ['in CI', true, { CI: 'true' }],
    ['on a dumb terminal', true, { TERM: 'dumb' }],
  ])('%s it writes nothing, its failure line included', (_, isTTY, env) => {
    const stream = Object.assign(new PassThrough(), { isTTY, columns: 80, cursorTo: () => true, clearLine: () => true, moveCursor: () => true }) as unknown as NodeJS.WriteStream;
    let written = '';
    (stream as unknown as PassThrough).on('data', (d) => (written += String(d)));
    const spinner = progress('pricing', stream, env as NodeJS.ProcessEnv);
    spinner.text = 'pricing sharded';
    expect(spinner.text).toBe('pricing sharded');
    spinner.fail('pricing failed');
    spinner.stop();
    expect(written).toBe('');
  });
});

describe('colour follows NO_COLOR at the moment of writing', () => {
  // CI sets CI=true, which turns picocolors on when it is first loaded; NO_COLOR set afterwards must still win.
  test('NO_COLOR set after start-up turns colour off even under CI; FORCE_COLOR turns it on', () => {
    const saved = { NO_COLOR: process.env.NO_COLOR, CI: process.env.CI, FORCE_COLOR: process.env.FORCE_COLOR };
    try {
      Object.assign(process.env, { CI: 'true', NO_COLOR: '1' });
      expect(colorEnabled()).toBe(false);
      expect(colors.yellow('warning')).toBe('warning');
      delete process.env.NO_COLOR;
      process.env.FORCE_COLOR = '1';
      expect(colors.yellow('warning')).toBe('\u001b[33mwarning\u001b[39m');
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});

describe('piped tables', () => {
  // table() pads borderless tables itself (cli-table3 was most of `stagekit plan`'s time): the bytes must stay cli-table3's.
  const Table = require('cli-table3');
  const none = Object.fromEntries(['top', 'top-mid', 'top-left', 'top-right', 'bottom', 'bottom-mid', 'bottom-left', 'bottom-right', 'left', 'left-mid', 'mid', 'mid-mid', 'right', 'right-mid', 'middle'].map((c) => [c, '']));
  const cliTable3 = (head: string[], rows: string[][], alignRight: number[]) => {
    const t = new Table({ head: head.map((h) => colors.bold(h)), style: { head: [], border: [], compact: true, 'padding-left': 0, 'padding-right': 2 }, chars: none, colAligns: head.map((_, i) => (alignRight.includes(i) ? 'right' : 'left')) });
    for (const row of rows) t.push(row);
    return t.toString();
  };
  test('lay out exactly as cli-table3 does (wide characters, emoji, colour, several lines; ragged rows fall back to it)', () => {
    const cell = fc.oneof(fc.constantFrom('', 'x', '$1,234', '→ † ×', 'é 中文', '😀 ok', 'two\nlines', 'a\nb\nc', colors.red('REPLACED'), ' lead', 'trail '), fc.string({ maxLength: 12 }).map((text) => text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '')));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(fc.array(cell, { minLength: 5, maxLength: 5 }), { maxLength: 6 }), fc.array(fc.nat(5)), fc.boolean(), (columns, wideRows, alignRight, ragged) => {
        const head = Array.from({ length: columns }, (_, i) => `column ${i}`);
        const rows = wideRows.map((row, i) => row.slice(0, ragged && i === 0 ? Math.max(1, columns - 1) : columns));
        expect(table(head, rows, { alignRight })).toBe(cliTable3(head, rows, alignRight));
      }),
      { numRuns: 300 },
    );
  });
});

describe('--cdk-context: stage options validated for both targets', () => {
  test('an unknown key exits 2 and lists every valid key with its values', async () => {
    const r = await run(['synth', '--stage', 'sharded', '--target', 'k8s', '--out', tmp(), '--cdk-context', 'activeShard=1']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--cdk-context: unknown key "activeShard"');
    for (const [key, spec] of Object.entries(STAGE_OPTIONS)) expect(r.stderr).toContain(`${key} (${spec.values})`);
  });

  test('a malformed value names the key, the values it takes and what was given', async () => {
    const r = await run(['synth', '--stage', 'split-tier', '--target', 'aws', '--out', tmp(), '--cdk-context', 'keepSingleServer=maybe']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('error: --cdk-context: keepSingleServer expects true or false, got "maybe"');
  });

  test('parseStageOptions accepts every documented form', () => {
    expect(parseStageOptions(['activeShards=2', 'natStrategy=single', 'allowHttp=true', 'certificateArn=arn:aws:acm:us-east-1:123456789012:certificate/abc-123'], 'x')).toEqual({
      activeShards: '2',
      natStrategy: 'single',
      allowHttp: 'true',
      certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc-123',
    });
    expect(() => parseStageOptions(['natStrategy'], '--cdk-context')).toThrow('expected key=value');
  });

  test('activeShards has one rule, core/plan.ts validateActiveShards, applied against each plan before anything is written', () => {
    // parseStageOptions cannot know the planned shards, so it leaves the value to that rule.
    expect(parseStageOptions(['activeShards=0'], '--cdk-context')).toEqual({ activeShards: '0' });
    const sharded = computePlan(loadProfile(TEST_PROFILE_FILE), 'sharded');
    const shards = sharded.database!.shards;
    expect(activeShardsOf([sharded], { activeShards: '1' })).toEqual([1]);
    expect(activeShardsOf([sharded], {})).toEqual([undefined]);
    for (const given of ['0', 'two', '1.5', String(shards + 1)]) {
      expect(() => activeShardsOf([sharded], { activeShards: given })).toThrow(`--cdk-context activeShards: expected a whole number from 1 to ${shards} (the planned shards), got "${given}"`);
    }
  });

  test('synth --target k8s honours activeShards as cdk8s synth honours STAGEKIT_ACTIVE_SHARDS', async () => {
    const out = tmp();
    const r = await run(['synth', '--stage', 'sharded', '--target', 'k8s', '--out', out, '--cdk-context', 'activeShards=1']);
    expect(r.status).toBe(0);
    const yaml = fs.readFileSync(path.join(out, 'k8s', 'sharded.k8s.yaml'), 'utf8');
    expect(yaml).toMatch(/"activeShards": 1,/);
    expect(yaml).toMatch(/"state": "backfilling"/);
    // Published with its objects file (what cost --from reads), written for this very manifest.
    expect(fs.readdirSync(path.join(out, 'k8s')).sort()).toEqual(['sharded.k8s.objects', 'sharded.k8s.yaml']);
    expect(readK8sObjectsFile(path.join(out, 'k8s', 'sharded.k8s.yaml'), yaml)).toEqual(parseAllDocuments(yaml).map((document) => document.toJS()));
  });
});

describe('--out', () => {
  const file = path.join(tmp(), 'a-file');
  fs.writeFileSync(file, 'x');
  test.each([
    ['/', 'refusing to write into the file-system root'],
    [file, 'exists and is not a directory (a file)'],
    ['', 'expected a directory, got ""'],
    ['/dev/null', 'exists and is not a directory (a device or special file)'],
    [path.join(file, 'below'), 'is not a directory, so'],
  ])('--out %j is a usage error: %s', async (out, message) => {
    const r = await run(['synth', '--stage', 'single-server', '--target', 'k8s', '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe('a run is published whole or not at all', () => {
  test('a run failing part-way leaves the output folder as it was, with no staging folder', async () => {
    const out = tmp();
    expect((await run(['synth', '--all', '--target', 'k8s', '--out', out])).status).toBe(0);
    const before = snapshot(out);
    // The shard count is refused (validateActiveShards, against every stage's plan): nothing of the run may land.
    const r = await run(['synth', '--all', '--target', 'k8s', '--out', out, '--profile', 'profiles/million-merchants.yaml', '--cdk-context', 'activeShards=99']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--cdk-context activeShards: expected a whole number from 1 to');
    expect(snapshot(out)).toEqual(before);
    expect(fs.readdirSync(out).sort()).toEqual(['k8s', RUN_MANIFEST]);
  });

  test('a failed run into a new folder leaves no folder behind', async () => {
    const out = path.join(tmp(), 'new');
    const r = await run(['synth', '--all', '--target', 'k8s', '--out', out, '--profile', 'profiles/million-merchants.yaml', '--cdk-context', 'activeShards=99']);
    expect(r.status).toBe(2);
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('cost --from refuses stages of different runs or profiles', () => {
  const profile = loadProfile(TEST_PROFILE_FILE);
  const record = (run: string, name = profile.name, digest = profileDigest(profile)) => ({ run, profile: name, profileFile: `${name}.yaml`, profileDigest: digest, options: {}, stagekitVersion: '0' });
  const artifacts = ['aws/sharded', 'k8s/sharded', 'aws/queue-pipeline', 'k8s/queue-pipeline'];

  test('one run of this profile passes', () => {
    const dir = tmp();
    recordRun(dir, Object.fromEntries(artifacts.map((a) => [a, record('r1')])));
    expect(() => checkOneRun(dir, artifacts, profile, TEST_PROFILE_FILE)).not.toThrow();
  });

  test('two runs: named, with the command that fixes it', () => {
    const dir = tmp();
    recordRun(dir, Object.fromEntries(artifacts.map((a) => [a, record('r1')])));
    recordRun(dir, { 'aws/queue-pipeline': record('r2'), 'k8s/queue-pipeline': record('r2') });
    expect(() => checkOneRun(dir, artifacts, profile, TEST_PROFILE_FILE)).toThrow(
      `its stages come from different runs: aws/sharded, k8s/sharded from run r1; aws/queue-pipeline, k8s/queue-pipeline from run r2. Synthesize them together: stagekit synth --all --out ${dir}`,
    );
  });

  test('two profiles: named', () => {
    const dir = tmp();
    recordRun(dir, Object.fromEntries(artifacts.map((a) => [a, record('r1')])));
    recordRun(dir, { 'aws/queue-pipeline': record('r2', 'other-shop', 'f00') });
    expect(() => checkOneRun(dir, artifacts, profile, TEST_PROFILE_FILE)).toThrow(/different profiles: .*from growing-shop \(growing-shop.yaml\); aws\/queue-pipeline from other-shop \(other-shop.yaml\)/);
  });

  test('stages of another profile than the one pricing them', () => {
    const dir = tmp();
    recordRun(dir, Object.fromEntries(artifacts.map((a) => [a, record('r1', 'other-shop', 'f00')])));
    expect(() => checkOneRun(dir, artifacts, profile, TEST_PROFILE_FILE)).toThrow('synthesized from profile other-shop (other-shop.yaml), but the bill would use the usage of growing-shop');
  });

  test('an artifact the manifest does not know', () => {
    const dir = tmp();
    recordRun(dir, { 'aws/sharded': record('r1') });
    expect(() => checkOneRun(dir, artifacts, profile, TEST_PROFILE_FILE)).toThrow('k8s/sharded, aws/queue-pipeline, k8s/queue-pipeline were not written by `stagekit synth`');
  });

  test('the CLI exits 2 with the message', async () => {
    const dir = tmp();
    recordRun(dir, { 'aws/sharded': record('r1'), 'k8s/sharded': record('r2') });
    const r = await run(['cost', '--stage', 'sharded', '--from', dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('different runs');
  });

  test('report --from checks the same, and writes nothing when it refuses', async () => {
    const dir = tmp();
    recordRun(dir, Object.fromEntries(STAGE_NAMES.flatMap((stage) => [`aws/${stage}`, `k8s/${stage}`]).map((a) => [a, record('r1', 'other-shop', 'f00')])));
    const r = await run(['report', '--from', dir, '--out', path.join(dir, 'report.html')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('synthesized from profile other-shop (other-shop.yaml), but the bill would use the usage of growing-shop');
    expect(fs.existsSync(path.join(dir, 'report.html'))).toBe(false);
  });
});

describe('commands load lazily', () => {
  test('stagekit --help lists every command with the description the command itself carries', async () => {
    const { buildProgram, COMMANDS } = require('../cli/main') as typeof import('../cli/main');
    const full = buildProgram();
    for (const { name, summary } of COMMANDS) expect([name, full.commands.find((c) => c.name() === name)?.description()]).toEqual([name, summary]);
    expect(full.commands.map((c) => c.name()).sort()).toEqual(COMMANDS.map((c) => c.name).sort());
    const help = await run(['--help']);
    expect(help.status).toBe(0);
    for (const { name } of COMMANDS) expect(help.stdout).toMatch(new RegExp(`^\\s+${name}\\b`, 'm'));
  });

  test('stages and --help load neither aws-cdk-lib, cdk8s, zod nor the deploy engines', () => {
    const probe = `
      const Module = require('module'); const load = Module._load; const seen = new Set();
      Module._load = function (request, ...rest) { seen.add(request); return load.call(this, request, ...rest); };
      process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify([...seen]) + '\\n'));
      process.argv.splice(1, 0, ${JSON.stringify(bin)});
      require(${JSON.stringify(bin)});`;
    for (const args of [['stages'], ['--help']]) {
      const result = spawnSync(process.execPath, ['-e', probe, '--', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      expect(result.status).toBe(0);
      const loaded: string[] = JSON.parse(/LOADED (.*)/.exec(result.stderr)![1]);
      // Paths inside the project are matched from its root, so the folder it is checked out in does not count.
      const requests = loaded.map((request) => (request.startsWith(ROOT) ? path.relative(ROOT, request) : request));
      const heavy = requests.filter((m) => /^(aws-cdk-lib|cdk8s|cdk8s-plus-27|zod|@aws-sdk\/|@aws-cdk\/|@pulumi\/|vega)/.test(m) || /deploy\/|blueprints\/aws|report\//.test(m));
      expect([args.join(' '), heavy]).toEqual([args.join(' '), []]);
    }
  });

  test('requestedCommand finds the command after options and after help', () => {
    const { requestedCommand } = require('../cli/main') as typeof import('../cli/main');
    expect(requestedCommand(['synth', '--all', '--out', 'o'])).toBe('synth');
    expect(requestedCommand(['help', 'cost'])).toBe('cost');
    expect(requestedCommand(['--help'])).toBeUndefined();
  });
});
