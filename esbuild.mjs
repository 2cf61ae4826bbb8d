// One build for the three programs: the extension host bundle, the training process
// (with the CLI beside it, they share the engine), and the webview bundles.
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

// Native and wasm-carrying packages stay outside the bundle: they load their own files at run time.
const engineExternals = [
  'sharp',
  '@tensorflow/tfjs-node',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-layers',
  '@tensorflow/tfjs-backend-cpu',
  '@cornerstonejs/codec-libjpeg-turbo-8bit',
  '@cornerstonejs/codec-charls',
  '@cornerstonejs/codec-openjpeg',
];

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

const builds = [
  {
    ...common,
    entryPoints: { extension: 'src/client/extension.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    ...common,
    entryPoints: {
      server: 'src/server/main.ts',
      cli: 'src/cli/main.ts',
      worker: 'src/engine/train/worker.ts',
    },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: engineExternals,
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: {
      dashboard: 'webview/dashboard/main.ts',
      classify: 'webview/classify/main.ts',
    },
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    loader: { '.css': 'text' },
  },
];

if (watch) {
  for (const options of builds) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
  console.log('esbuild: watching');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}

// The native training kernels, when `npm install` built them, go beside the bundles that load them.
const nativeBuilt = 'native/build/Release/fracture_kernels.node';
// A running training process has the old file mapped: overwriting it in place would crash that
// process, so the new one is written beside it and renamed over it (a new file, the old one lives on).
const target = 'dist/native/fracture_kernels.node';
if (!existsSync(nativeBuilt)) {
  // No build (no compiler, or a failed rebuild): an old copy must not pass for the current one.
  rmSync(target, { force: true });
} else {
  mkdirSync('dist/native', { recursive: true });
  if (!existsSync(target) || !readFileSync(target).equals(readFileSync(nativeBuilt))) {
    copyFileSync(nativeBuilt, `${target}.tmp`);
    renameSync(`${target}.tmp`, target);
  }
}
