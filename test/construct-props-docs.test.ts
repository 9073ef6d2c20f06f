/**
 * Every prop of every exported construct is documented: an optional prop says what happens without it
 * (`@default`), a required prop says what it is (its JSDoc). Read with the TypeScript compiler from
 * `stagekit/aws` and `stagekit/k8s` (constructs/aws/index.ts, constructs/k8s/index.ts): each exported
 * class's constructor props, the interfaces they extend, and stagekit's own interfaces their props hold
 * (`ShardShape` inside `ShardedPostgresProps.shards`), as a user's editor shows them.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..');
const ENTRY_POINTS = ['constructs/aws/index.ts', 'constructs/k8s/index.ts'].map((file) => path.join(ROOT, file));
/**
 * The program holds stagekit's construct sources only (noResolve): what they import from aws-cdk-lib, cdk8s
 * and the generated CRD classes stays unread, which the check skips anyway, and reading it cost most of
 * this file's time.
 */
const CONSTRUCT_SOURCES = ['constructs/aws', 'constructs/k8s'].flatMap((folder) =>
  fs
    .readdirSync(path.join(ROOT, folder))
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => path.join(ROOT, folder, file)),
);

interface PropDoc {
  readonly owner: string;
  readonly name: string;
  readonly optional: boolean;
  readonly documentation: string;
  readonly hasDefault: boolean;
  readonly file: string;
}

/** Declared in stagekit's construct sources (not aws-cdk-lib, cdk8s or the generated CRD classes). */
const ownDeclaration = (declaration: ts.Declaration): boolean => {
  const file = path.relative(ROOT, declaration.getSourceFile().fileName).split(path.sep).join('/');
  return /^constructs\/(aws|k8s)\//.test(file) && !file.startsWith('constructs/k8s/imports/');
};

function collectProps(): { constructs: string[]; props: PropDoc[] } {
  const program = ts.createProgram(CONSTRUCT_SOURCES, { noResolve: true, types: [], target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, strict: true, esModuleInterop: true, skipLibCheck: true, noEmit: true });
  const checker = program.getTypeChecker();
  const constructs: string[] = [];
  const props = new Map<string, PropDoc>();
  const seenTypes = new Set<ts.Type>();

  /** `owner` names where an inline type sits (`WebAppProps.secretFiles[]`), as the error lists it. */
  const visitType = (type: ts.Type, owner: string): void => {
    // Arrays, unions, records and the like: look at what they hold.
    if (checker.isArrayType(type) || checker.isTupleType(type)) {
      for (const element of checker.getTypeArguments(type as ts.TypeReference)) visitType(element, `${owner}[]`);
      return;
    }
    if (type.isUnion() || type.isIntersection()) {
      for (const member of type.types) visitType(member, owner);
      return;
    }
    const indexed = checker.getIndexTypeOfType(type, ts.IndexKind.String);
    if (indexed) visitType(indexed, `${owner}[name]`);
    const symbol = type.aliasSymbol ?? type.getSymbol();
    if (!symbol || !(symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeLiteral))) return;
    if (!(symbol.declarations ?? []).some(ownDeclaration) || seenTypes.has(type)) return;
    seenTypes.add(type);
    const typeName = symbol.flags & ts.SymbolFlags.Interface ? symbol.getName() : owner;
    for (const property of checker.getPropertiesOfType(type)) {
      const declaration = property.valueDeclaration ?? property.declarations?.[0];
      if (!declaration || !ownDeclaration(declaration)) continue;
      const parent = declaration.parent;
      const declaredIn = ts.isInterfaceDeclaration(parent) ? parent.name.text : typeName;
      const key = `${declaredIn}.${property.getName()}`;
      if (!props.has(key)) {
        props.set(key, {
          owner: declaredIn,
          name: property.getName(),
          optional: Boolean(property.flags & ts.SymbolFlags.Optional),
          documentation: ts.displayPartsToString(property.getDocumentationComment(checker)).trim(),
          hasDefault: property.getJsDocTags(checker).some((tag) => tag.name === 'default' && ts.displayPartsToString(tag.text).trim().length > 0),
          file: path.relative(ROOT, declaration.getSourceFile().fileName),
        });
      }
      visitType(checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(property, declaration)), `${declaredIn}.${property.getName()}`);
    }
  };

  for (const entry of ENTRY_POINTS) {
    const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      if (!(symbol.flags & ts.SymbolFlags.Class)) continue;
      const classType = checker.getTypeOfSymbol(symbol);
      const signatures = classType.getConstructSignatures();
      if (!signatures.length) continue;
      constructs.push(symbol.getName());
      for (const signature of signatures) {
        for (const parameter of signature.getParameters().slice(2)) {
          const declaration = parameter.valueDeclaration!;
          visitType(checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(parameter, declaration)), symbol.getName());
        }
      }
    }
  }
  return { constructs, props: [...props.values()] };
}

const { constructs, props } = collectProps();

test('the check sees the exported constructs and their props (so an empty result cannot pass)', () => {
  expect(constructs).toEqual(expect.arrayContaining(['CacheCluster', 'SingleServer', 'DatabaseShard', 'WebTier', 'PostgresCluster', 'WebApp', 'QueueWorker']));
  expect(props.map((p) => `${p.owner}.${p.name}`)).toEqual(expect.arrayContaining(['CacheClusterProps.nodeType', 'ShardShape.instanceClass', 'DatabaseSharedResources.encryptionKey', 'WebAppProps.image']));
  expect(props.length).toBeGreaterThan(200);
});

test('every optional prop documents its @default', () => {
  const missing = props.filter((p) => p.optional && !p.hasDefault).map((p) => `${p.file}: ${p.owner}.${p.name}`);
  expect(missing).toEqual([]);
});

test('every required prop is documented (what it is and why it has no default)', () => {
  const missing = props.filter((p) => !p.optional && !p.documentation).map((p) => `${p.file}: ${p.owner}.${p.name}`);
  expect(missing).toEqual([]);
});
