// `npm run vscode [folder]`: opens the sample workspace (or the given folder) in code-server with
// the packaged extension installed, served on 127.0.0.1 (port 8080 when free, or $PORT).
import 'tsx';
import { createRequire } from 'node:module';

const { main } = createRequire(import.meta.url)('./e2e/open.ts');
try {
  await main(process.argv.slice(2));
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
