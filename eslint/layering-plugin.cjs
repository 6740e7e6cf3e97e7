// ESLint plugin enforcing the architecture's layers (docs: ../README.md,
// "Layers"). One rule, `layering/imports`, configured per folder in
// eslint.config.js. It resolves relative imports against the importing
// file, so `../../main/x` is caught wherever it is written from, and it sees
// every way a module can be pulled in: import/export-from, import(),
// require(), `import x = require()` and `import('x')` types.
//
// Options (one object):
//   zone            a name for messages, e.g. "electron/core"
//   allowDirs       if set, relative imports must resolve inside one of these
//                   (folders or files, relative to the project root)
//   forbidDirs      relative imports must not resolve inside any of these
//   allowPackages   if set, the only bare (package) imports allowed
//   forbidPackages  bare imports forbidden (a name covers its subpaths)
//   forbidBuiltins  forbid Node built-ins (node:*, fs, path, crypto, …)
//   reason          appended to every message: why this layer is so

'use strict';

const path = require('node:path');
const { builtinModules } = require('node:module');

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, m.split('/')[0]]));

function isBuiltin(specifier) {
  return specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0]);
}

function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function isInside(relativeToRoot, dir) {
  const clean = dir.replace(/\/+$/, '');
  return (
    relativeToRoot === clean || relativeToRoot.startsWith(`${clean}/`) || relativeToRoot === `${clean}.ts`
  );
}

/** Candidate spellings of a resolved path (with and without an extension). */
function matchesAny(relativeToRoot, dirs) {
  const withoutExt = relativeToRoot.replace(/\.(c|m)?(t|j)sx?$/, '');
  return dirs.some(
    (dir) => isInside(relativeToRoot, dir) || isInside(withoutExt, dir.replace(/\.(c|m)?(t|j)sx?$/, '')),
  );
}

const importsRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Keep each layer to the imports its place in the architecture allows.' },
    schema: [
      {
        type: 'object',
        properties: {
          zone: { type: 'string' },
          allowDirs: { type: 'array', items: { type: 'string' } },
          forbidDirs: { type: 'array', items: { type: 'string' } },
          allowPackages: { type: 'array', items: { type: 'string' } },
          forbidPackages: { type: 'array', items: { type: 'string' } },
          forbidBuiltins: { type: 'boolean' },
          reason: { type: 'string' },
        },
        required: ['zone'],
        additionalProperties: false,
      },
    ],
    messages: {
      builtin: '{{zone}} must not import the Node built-in "{{specifier}}".{{reason}}',
      package: '{{zone}} must not import the package "{{specifier}}".{{reason}}',
      dir: '{{zone}} must not import "{{specifier}}" (that is {{target}}).{{reason}}',
      outside: '{{zone}} may only import from {{allowed}}; "{{specifier}}" is {{target}}.{{reason}}',
    },
  },
  create(context) {
    const options = context.options[0] ?? {};
    const root = context.cwd;
    const filename = context.filename;
    const reason = options.reason ? ` ${options.reason}` : '';
    const zone = options.zone;

    function check(node, specifier) {
      if (typeof specifier !== 'string' || specifier.length === 0) return;
      const data = { zone, specifier, reason };
      if (specifier.startsWith('.') || specifier.startsWith('/')) {
        const resolved = path.resolve(path.dirname(filename), specifier);
        const target = path.relative(root, resolved).split(path.sep).join('/');
        if (options.forbidDirs && matchesAny(target, options.forbidDirs)) {
          context.report({ node, messageId: 'dir', data: { ...data, target } });
          return;
        }
        if (options.allowDirs && !matchesAny(target, options.allowDirs)) {
          context.report({
            node,
            messageId: 'outside',
            data: { ...data, target, allowed: options.allowDirs.join(', ') },
          });
        }
        return;
      }
      if (isBuiltin(specifier)) {
        if (options.forbidBuiltins) context.report({ node, messageId: 'builtin', data });
        return;
      }
      const name = packageName(specifier);
      if (options.forbidPackages && options.forbidPackages.includes(name)) {
        context.report({ node, messageId: 'package', data });
        return;
      }
      if (options.allowPackages && !options.allowPackages.includes(name)) {
        context.report({ node, messageId: 'package', data });
      }
    }

    const fromLiteral = (node, source) => {
      if (source && source.type === 'Literal') check(node, source.value);
      else if (source && source.type === 'TemplateLiteral' && source.expressions.length === 0) {
        check(node, source.quasis[0].value.cooked);
      }
    };

    return {
      ImportDeclaration: (node) => fromLiteral(node, node.source),
      ExportNamedDeclaration: (node) => node.source && fromLiteral(node, node.source),
      ExportAllDeclaration: (node) => fromLiteral(node, node.source),
      ImportExpression: (node) => fromLiteral(node, node.source),
      TSImportEqualsDeclaration: (node) => {
        if (node.moduleReference.type === 'TSExternalModuleReference')
          fromLiteral(node, node.moduleReference.expression);
      },
      TSImportType: (node) => {
        const arg = node.argument;
        if (arg && arg.type === 'TSLiteralType') fromLiteral(node, arg.literal);
        else if (node.source) fromLiteral(node, node.source);
      },
      CallExpression: (node) => {
        if (
          node.callee.type === 'Identifier' &&
          node.callee.name === 'require' &&
          node.arguments.length > 0
        ) {
          fromLiteral(node, node.arguments[0]);
        }
      },
    };
  },
};

module.exports = {
  meta: { name: 'layering' },
  rules: { imports: importsRule },
};
