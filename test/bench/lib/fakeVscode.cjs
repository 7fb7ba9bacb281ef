// A minimal stand-in for the `vscode` module, enough to load the bundled extension and call activate() in plain Node.
// Concrete where the extension relies on behaviour (events, disposables, URIs, settings, workspace folders);
// everything else is an inert proxy that accepts any call and returns another inert proxy.
const path = require('node:path');
const { pathToFileURL } = require('node:url');

function inert() {
  const target = function () {};
  return new Proxy(target, {
    get(t, prop) {
      if (prop === 'then') return undefined; // never a thenable, so `await` does not hang
      if (prop === Symbol.iterator) return function* () {};
      if (prop === Symbol.toPrimitive) return () => '';
      if (prop === 'prototype') return t.prototype;
      if (!(prop in t)) t[prop] = inert();
      return t[prop];
    },
    apply: () => inert(),
    construct: () => inert(),
  });
}

class Disposable {
  constructor(fn) {
    this.fn = fn;
  }
  static from(...items) {
    return new Disposable(() => items.forEach((i) => i?.dispose?.()));
  }
  dispose() {
    this.fn?.();
    this.fn = undefined;
  }
}

class EventEmitter {
  listeners = new Set();
  event = (listener) => {
    this.listeners.add(listener);
    return new Disposable(() => this.listeners.delete(listener));
  };
  fire(e) {
    for (const l of [...this.listeners]) l(e);
  }
  dispose() {
    this.listeners.clear();
  }
}

class Uri {
  constructor(scheme, fsPath) {
    this.scheme = scheme;
    this.fsPath = fsPath;
    this.path = fsPath;
  }
  static file(p) {
    return new Uri('file', path.resolve(p));
  }
  static joinPath(base, ...parts) {
    return new Uri(base.scheme, path.join(base.fsPath, ...parts));
  }
  toString() {
    return pathToFileURL(this.fsPath).href;
  }
}

class TreeItem {
  constructor(label, collapsibleState) {
    this.label = label;
    this.collapsibleState = collapsibleState;
  }
}

class ThemeIcon {
  constructor(id, color) {
    this.id = id;
    this.color = color;
  }
}

class ThemeColor {
  constructor(id) {
    this.id = id;
  }
}

class MarkdownString {
  constructor(value = '') {
    this.value = value;
  }
  appendMarkdown(s) {
    this.value += s;
    return this;
  }
  appendText(s) {
    this.value += s;
    return this;
  }
  appendCodeblock(s) {
    this.value += s;
    return this;
  }
}

class RelativePattern {
  constructor(base, pattern) {
    this.base = base;
    this.pattern = pattern;
  }
}

function channel() {
  const lines = [];
  const log = (level) => (m) => lines.push(`${level} ${m}`);
  return {
    lines, name: 'MLOps', append: log(''), appendLine: log(''), trace: log('trace'), debug: log('debug'), info: log('info'),
    warn: log('warn'), error: log('error'), show() {}, hide() {}, clear() {}, replace() {}, dispose() {},
    onDidChangeLogLevel: () => new Disposable(), logLevel: 2,
  };
}

/** Builds the module for a workspace with these folders. `channels` collects every output channel made. */
function createFakeVscode(workspaceFolders) {
  const channels = [];
  const folders = workspaceFolders.map((p, index) => ({ uri: Uri.file(p), name: path.basename(p), index }));
  const event = () => () => new Disposable();
  const vscode = {
    Disposable, EventEmitter, Uri, TreeItem, ThemeIcon, ThemeColor, MarkdownString, RelativePattern,
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    QuickPickItemKind: { Separator: -1, Default: 0 },
    ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
    Range: class Range {},
    Position: class Position {},
    workspace: {
      workspaceFolders: folders,
      getWorkspaceFolder: (uri) => folders.find((f) => uri.fsPath.startsWith(f.uri.fsPath)),
      getConfiguration: () => ({ get: (_key, fallback) => fallback, has: () => false, inspect: () => undefined, update: async () => {} }),
      onDidChangeConfiguration: event(),
      onDidChangeWorkspaceFolders: event(),
      createFileSystemWatcher: () => ({
        onDidCreate: event(), onDidChange: event(), onDidDelete: event(), dispose() {},
      }),
      isTrusted: true,
      onDidGrantWorkspaceTrust: event(),
      fs: inert(),
    },
    window: {
      createOutputChannel: () => {
        const c = channel();
        channels.push(c);
        return c;
      },
      createTreeView: () => ({
        description: undefined, message: undefined, selection: [], visible: true,
        onDidChangeSelection: event(), onDidChangeVisibility: event(), onDidExpandElement: event(), onDidCollapseElement: event(),
        reveal: async () => {}, dispose() {},
      }),
      createStatusBarItem: () => ({ text: '', tooltip: undefined, command: undefined, show() {}, hide() {}, dispose() {} }),
      registerTreeDataProvider: () => new Disposable(),
      showInformationMessage: async () => undefined,
      showWarningMessage: async () => undefined,
      showErrorMessage: async () => undefined,
      setStatusBarMessage: () => new Disposable(),
      withProgress: async (_o, task) => task({ report() {} }, { isCancellationRequested: false, onCancellationRequested: event() }),
    },
    commands: {
      registerCommand: () => new Disposable(),
      executeCommand: async () => undefined,
    },
    env: { clipboard: { writeText: async () => {} }, language: 'en' },
    l10n: { t: (s) => s },
  };
  return { vscode: new Proxy(vscode, { get: (t, p) => (p in t ? t[p] : (t[p] = inert())) }), channels };
}

module.exports = { createFakeVscode, Uri };
