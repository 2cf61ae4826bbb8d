// `node scripts/codeserver.mjs`: installs code-server 4.100.3 into .cache/ (skipped when a working
// install is there) and prints its folder. The end-to-end tests and `npm run vscode` call the same code.
import 'tsx';
import { createRequire } from 'node:module';

const { ensureCodeServer } = createRequire(import.meta.url)('./e2e/codeServer.ts');
try {
  console.log(ensureCodeServer());
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
