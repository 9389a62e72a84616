// The root tsconfig resolves modules the "node10" way, which ignores package.json "exports";
// these packages publish their Node entry points only there. Runtime (Node, esbuild) reads
// "exports" itself; this maps the types. Delete it when the tsconfig moves to node16 resolution.
declare module 'vscode-languageserver/node' {
  export * from 'vscode-languageserver/lib/node/main';
}
declare module 'vscode-languageclient/node' {
  export * from 'vscode-languageclient/lib/node/main';
}
declare module 'vscode-jsonrpc/node' {
  export * from 'vscode-jsonrpc/lib/node/main';
}
declare module 'vscode-languageserver-protocol/node' {
  export * from 'vscode-languageserver-protocol/lib/node/main';
}
