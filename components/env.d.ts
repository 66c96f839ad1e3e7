// What `vue-tsc -p tsconfig.deck.json` needs to type-check the deck's browser code, and no package
// declares. Slidev ships its client as TypeScript source (not declarations), so checking our
// components checks the parts of it they import, and that source uses:
// - Vite's client types (`import.meta.hot`, `import.meta.glob`);
// - the virtual modules and Vue/router augmentations Slidev declares in its own shims;
// - compile-time constants that Slidev's Vite plugin defines when it builds (its `define`).

/// <reference types="vite/client" />
/// <reference types="@slidev/types/client" />
/// <reference path="../node_modules/@slidev/client/shim.d.ts" />
/// <reference path="../node_modules/@slidev/client/shim-vue.d.ts" />

declare const __DEV__: boolean
declare const __SLIDEV_HAS_SERVER__: boolean
declare const __SLIDEV_HASH_ROUTE__: boolean
declare const __SLIDEV_FEATURE_EDITOR__: boolean
declare const __SLIDEV_FEATURE_DRAWINGS__: boolean
declare const __SLIDEV_FEATURE_DRAWINGS_PERSIST__: boolean
declare const __SLIDEV_FEATURE_PRESENTER__: boolean

// An optional dependency of Slidev's client (its PDF download button), without types of its own.
declare module 'file-saver' {
  export function saveAs(data: Blob | string, filename?: string): void
}
