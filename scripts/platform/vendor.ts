/**
 * Vendors the platform add-ons' upstream release manifests into data/platform/ and writes
 * data/platform/SOURCES.md (source, tag, commit, bytes, sha256 of every file).
 *
 *   npx tsx scripts/platform/vendor.ts MIRROR_DIR
 *
 * MIRROR_DIR holds bare clones as `<owner>+<name>/repo` (git directories with the release tags).
 * Files are copied byte for byte from the tag (`git show TAG:PATH`). Two add-ons publish their
 * release manifest only as a build artifact of `kustomize build` (KEDA, the OT redis-operator):
 * for them the script runs `kubectl kustomize` (kustomize v5) on the tag's config/ with the image
 * tags the release sets, as their release targets do, and records that. CRDs are also split one per
 * file into data/platform/crds/ so the schema validator can check custom resources against them.
 * Nothing is edited by hand; adaptations (namespaces, images, settings) are made in code
 * (platform/addons/*.ts) and listed in SOURCES.md.
 */
import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';

interface Source {
  readonly addon: string;
  readonly repo: string;
  readonly tag: string;
  /** Files taken verbatim (a trailing slash: every .yaml in that folder). */
  readonly paths?: readonly string[];
  /**
   * A release asset that lives in no upstream repository, taken from a repository that vendors it unmodified:
   * `repo` is that repository, `commit` the commit read, `tag` the upstream release, `asset` its download URL.
   */
  readonly copyOf?: { readonly commit: string; readonly asset: string; readonly how: string };
  /** Or: a kustomize folder rendered at the tag, with image overrides (`name=newName:newTag`). */
  readonly kustomize?: { readonly dir: string; readonly images: readonly string[]; readonly output: string; readonly why: string };
}

export const SOURCES: readonly Source[] = [
  { addon: 'cnpg', repo: 'cloudnative-pg/cloudnative-pg', tag: 'v1.30.0', paths: ['releases/cnpg-1.30.0.yaml'] },
  { addon: 'barman-cloud', repo: 'cloudnative-pg/plugin-barman-cloud', tag: 'v0.14.0', paths: ['manifest.yaml'] },
  { addon: 'strimzi', repo: 'strimzi/strimzi-kafka-operator', tag: '0.51.0', paths: ['install/cluster-operator/'] },
  {
    addon: 'keda',
    repo: 'kedacore/keda',
    tag: 'v2.20.2',
    kustomize: {
      dir: 'config/default',
      images: ['ghcr.io/kedacore/keda=ghcr.io/kedacore/keda:2.20.2', 'ghcr.io/kedacore/keda-metrics-apiserver=ghcr.io/kedacore/keda-metrics-apiserver:2.20.2', 'ghcr.io/kedacore/keda-admission-webhooks=ghcr.io/kedacore/keda-admission-webhooks:2.20.2'],
      output: 'keda-2.20.2.yaml',
      why: 'the Makefile `release` target: `kustomize edit set image` for the three images, then `kustomize build config/default > keda-$(VERSION).yaml`',
    },
  },
  { addon: 'prometheus-operator', repo: 'prometheus-operator/prometheus-operator', tag: 'v0.93.0', paths: ['example/prometheus-operator-crd/', 'example/rbac/prometheus-operator/'] },
  {
    addon: 'ot-redis-operator',
    repo: 'OT-CONTAINER-KIT/redis-operator',
    tag: 'v0.26.0',
    kustomize: {
      dir: 'config/default',
      images: ['quay.io/opstree/redis-operator=quay.io/opstree/redis-operator:v0.26.0'],
      output: 'redis-operator-0.26.0.yaml',
      why: 'upstream publishes the operator as a Helm chart (no helm here) and keeps config/ for kustomize; config/manager at v0.26.0 still names image v0.24.0, so the image is set to the release tag',
    },
  },
  { addon: 'ingress-nginx', repo: 'kubernetes/ingress-nginx', tag: 'controller-v1.15.1', paths: ['deploy/static/provider/cloud/deploy.yaml'] },
  { addon: 'hcloud-ccm', repo: 'hetznercloud/hcloud-cloud-controller-manager', tag: 'v1.35.0', paths: ['deploy/ccm-networks.yaml'] },
  { addon: 'hcloud-csi', repo: 'hetznercloud/csi-driver', tag: 'v2.22.1', paths: ['deploy/kubernetes/hcloud-csi.yml'] },
  {
    addon: 'cert-manager',
    repo: 'kubeflow/manifests',
    tag: 'v1.19.4',
    paths: ['common/cert-manager/base/upstream/cert-manager.yaml'],
    copyOf: {
      commit: '9efdaec3a8c9b0005987edaeea34ec2037e6b812',
      asset: 'https://github.com/cert-manager/cert-manager/releases/download/v1.19.4/cert-manager.yaml',
      how: 'kubeflow/manifests scripts/synchronize-cert-manager-manifests.sh (COMMIT="v1.19.4") downloads the asset with wget into that path, unmodified; its commit "cert-manager 1.19.4 (#3358)"',
    },
  },
  { addon: 'kube-state-metrics', repo: 'kubernetes/kube-state-metrics', tag: 'v2.20.0', paths: ['examples/standard/cluster-role-binding.yaml', 'examples/standard/cluster-role.yaml', 'examples/standard/deployment.yaml', 'examples/standard/service-account.yaml', 'examples/standard/service.yaml'] },
];

interface Row {
  file: string;
  bytes: number;
  sha256: string;
  repo: string;
  origin: string;
  tag: string;
  commit: string;
  commitDate: string;
}

function git(repoDir: string, args: string[]): Buffer {
  return execFileSync('git', ['-C', repoDir, ...args], { maxBuffer: 256 * 1024 * 1024 });
}

function sha256(data: Buffer | string): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

function main(): void {
  const mirror = process.argv[2];
  if (!mirror) throw new Error('usage: tsx scripts/platform/vendor.ts MIRROR_DIR');
  const root = path.join(__dirname, '..', '..', 'data', 'platform');
  fs.rmSync(root, { recursive: true, force: true });
  const rows: Row[] = [];
  const crdRows: { file: string; from: string; bytes: number; sha256: string }[] = [];
  for (const source of SOURCES) {
    const repoDir = path.join(mirror, source.repo.replace('/', '+'), 'repo');
    // A copy of a release asset is read at the vendoring repository's commit; everything else at the upstream tag.
    const revision = source.copyOf?.commit ?? source.tag;
    const commit = git(repoDir, ['rev-list', '-n', '1', revision]).toString().trim();
    const outDir = path.join(root, source.addon);
    fs.mkdirSync(outDir, { recursive: true });
    const write = (name: string, data: Buffer, origin: string, commitDate: string) => {
      fs.writeFileSync(path.join(outDir, name), data);
      rows.push({ file: `${source.addon}/${name}`, bytes: data.length, sha256: sha256(data), repo: source.repo, origin, tag: source.tag, commit: commit.slice(0, 12), commitDate });
    };
    if (source.paths) {
      const files = source.paths.flatMap((sourcePath) =>
        sourcePath.endsWith('/') ? git(repoDir, ['ls-tree', '--name-only', revision, sourcePath]).toString().trim().split('\n').filter((f) => /\.ya?ml$/.test(f)) : [sourcePath],
      );
      for (const file of files) {
        const date = git(repoDir, ['log', '-1', '--format=%cI', revision, '--', file]).toString().trim();
        const origin = source.copyOf ? `${file}: the release asset ${source.copyOf.asset} (${source.copyOf.how})` : file;
        write(path.basename(file), git(repoDir, ['show', `${revision}:${file}`]), origin, date);
      }
    } else if (source.kustomize) {
      const kustomize = source.kustomize;
      const work = fs.mkdtempSync(path.join(os.tmpdir(), `vendor-${source.addon}-`));
      execFileSync('sh', ['-c', `git -C "${repoDir}" archive ${source.tag} config | tar -x -C "${work}"`]);
      const overlay = path.join(work, 'stagekit-release');
      fs.mkdirSync(overlay);
      const images = kustomize.images.map((image) => {
        const [name, target] = image.split('=');
        const colon = target.lastIndexOf(':');
        return { name, newName: target.slice(0, colon), newTag: target.slice(colon + 1) };
      });
      fs.writeFileSync(path.join(overlay, 'kustomization.yaml'), YAML.stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [`../${kustomize.dir}`], images }));
      const rendered = execFileSync('kubectl', ['kustomize', overlay], { maxBuffer: 256 * 1024 * 1024 });
      const date = git(repoDir, ['log', '-1', '--format=%cI', source.tag, '--', 'config']).toString().trim();
      write(kustomize.output, rendered, `kustomize build ${kustomize.dir} (${kustomize.why})`, date);
      fs.rmSync(work, { recursive: true, force: true });
    }
  }
  // CRDs one per file, for the schema validator (test/support/k8s-schema.ts reads data/platform/crds/).
  const crdDir = path.join(root, 'crds');
  fs.mkdirSync(crdDir, { recursive: true });
  for (const row of rows) {
    const text = fs.readFileSync(path.join(root, row.file), 'utf8');
    for (const doc of YAML.parseAllDocuments(text, { uniqueKeys: false })) {
      const object = doc.toJS();
      if (object?.kind !== 'CustomResourceDefinition') continue;
      const version = row.tag.replace(/^controller-/, '');
      const name = `${row.file.split('/')[0]}_${version}_${object.spec.group}_${object.spec.names.plural}.yaml`;
      const body = doc.toString({ lineWidth: 0 });
      fs.writeFileSync(path.join(crdDir, name), body);
      crdRows.push({ file: name, from: row.file, bytes: Buffer.byteLength(body), sha256: sha256(body) });
    }
  }
  const table = (header: string[], lines: string[][]) => [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...lines.map((l) => `| ${l.join(' | ')} |`)].join('\n');
  const md = [
    '# Provenance of the vendored platform manifests',
    '',
    `Written by \`scripts/platform/vendor.ts\` on ${new Date().toISOString().slice(0, 10)} from snapshots of the upstream repositories; do not edit by hand.`,
    'Every file under an add-on folder is the upstream file at the tag, byte for byte (cert-manager\'s release asset, which no',
    'upstream repository holds, is read from a repository that vendors it unmodified, named in its row), except the two marked "kustomize build",',
    'which are the output of `kubectl kustomize` (kustomize v5.5.0) on the tag\'s `config/` with the release image tags (as the',
    'upstream release target does). The adaptations stagekit makes when rendering (namespaces, watched namespaces, images of',
    'development manifests, Service types) are made in `platform/addons/*.ts`, each one listed in docs/self-hosted.md.',
    '',
    '## Release manifests',
    '',
    table(['file', 'bytes', 'sha256', 'source repo', 'path', 'tag', 'commit', 'last change'], rows.map((r) => [r.file, String(r.bytes), `\`${r.sha256}\``, r.repo, r.origin, r.tag, r.commit, r.commitDate])),
    '',
    '## Versions not the newest upstream',
    '',
    '- **cert-manager v1.19.4** (2026-02 patch of the 1.19 line), not 1.21.x: `cert-manager.yaml` is a release asset (a Helm',
    '  render the release pipeline attaches to the GitHub release), in no repository at any tag, and no network is used here. The',
    '  newest copy of the unmodified asset found in a stored snapshot is kubeflow/manifests\' (row above; its sha256 equals the file',
    '  at that repository\'s head, 2026-04-05). To move to a newer release, download its `cert-manager.yaml`, check its sha256',
    '  against the release\'s checksums, and add it as this row is added.',
    '',
    '## Not vendored',
    '',
    '- **prometheus-operator `bundle.yaml`**: the snapshot did not carry the file (too large); the bundle is the',
    '  concatenation of `example/prometheus-operator-crd/*` and `example/rbac/prometheus-operator/*`, which are vendored instead.',
    '',
    '## crds/ — CustomResourceDefinitions split out of the files above (one per file, for the schema validator)',
    '',
    table(['file', 'from', 'bytes', 'sha256'], crdRows.map((r) => [r.file, r.from, String(r.bytes), `\`${r.sha256}\``])),
    '',
  ].join('\n');
  fs.writeFileSync(path.join(root, 'SOURCES.md'), md);
  process.stdout.write(`${rows.length} files, ${crdRows.length} CRDs\n`);
}

main();
