// `npm run bench [-- --only train,radnet,decode] [-- --quick]`: runs each section whose file exists,
// prints one table and writes the rows to .bench/latest.json.
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BenchRow } from './row';

export interface BenchOptions {
  quick: boolean;
}

type Report = (row: BenchRow) => void;

interface Section {
  name: string;
  file: string;
  run: (mod: Record<string, unknown>, report: Report, options: BenchOptions) => Promise<void>;
}

const sections: Section[] = [
  { name: 'train', file: 'train.ts', run: (m, r, o) => (m.benchTrain as (r: Report, o: BenchOptions) => Promise<void>)(r, o) },
  { name: 'radnet', file: 'train.ts', run: (m, r, o) => (m.benchRadNetSection as (r: Report, o: BenchOptions) => Promise<void>)(r, o) },
  { name: 'profile', file: 'profile.ts', run: (m, r) => (m.benchProfile as (r: Report) => Promise<void>)(r) },
  { name: 'decode', file: 'decode.ts', run: (m, r, o) => (m.benchDecode as (r: Report, o: BenchOptions) => Promise<void>)(r, o) },
  { name: 'generalise', file: 'generalise.ts', run: (m, r, o) => (m.benchGeneralise as (r: Report, o: BenchOptions) => Promise<void>)(r, o) },
  { name: 'classify', file: 'classify.ts', run: (m, r, o) => (m.benchClassify as (r: Report, o: BenchOptions) => Promise<void>)(r, o) },
];

function fmt(v: number | undefined, digits = 3): string {
  if (v === undefined || Number.isNaN(v)) return '';
  if (Math.abs(v) >= 1000) return v.toFixed(0);
  return Number(v.toPrecision(digits)).toString();
}

export function formatTable(rows: BenchRow[]): string {
  const head = ['section', 'figure', 'value', 'unit', 'baseline', 'ratio', 'note'];
  const body = rows.map((r) => [r.section, r.name, fmt(r.value), r.unit, r.baseline !== undefined ? `${fmt(r.baseline)} (${r.baselineName ?? ''})` : '', r.ratio !== undefined ? `${fmt(r.ratio)}x` : '', r.note ?? '']);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? (args[onlyAt + 1] ?? '').split(',').filter(Boolean) : [];
  const options: BenchOptions = { quick: args.includes('--quick') };
  const rows: BenchRow[] = [];
  const report: Report = (row) => {
    rows.push(row);
    console.log(`  ${row.section}: ${row.name} = ${fmt(row.value)} ${row.unit}${row.ratio !== undefined ? ` (${fmt(row.ratio)}x ${row.baselineName ?? 'baseline'})` : ''}${row.note ? ` [${row.note}]` : ''}`);
  };
  const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
  // Figures from a busy machine are slower and noisier: say how busy it was.
  console.log(`bench on ${os.cpus()[0]?.model ?? 'unknown cpu'}, ${os.availableParallelism()} cores, node ${process.version}, load average ${load()}${options.quick ? ', quick' : ''}`);
  const loadBefore = load();
  for (const s of sections) {
    if (only.length > 0 && !only.includes(s.name)) continue;
    const file = path.join(__dirname, s.file);
    if (!existsSync(file)) {
      console.log(`[${s.name}] skipped: ${s.file} is not there yet`);
      continue;
    }
    console.log(`[${s.name}]`);
    try {
      const mod = (await import(file)) as Record<string, unknown>;
      await s.run(mod, report, options);
    } catch (e) {
      console.log(`[${s.name}] failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      rows.push({ section: s.name, name: 'failed', value: NaN, unit: '', note: e instanceof Error ? e.message : String(e) });
    }
  }
  console.log('\n' + formatTable(rows));
  const outDir = path.join(__dirname, '..', '.bench');
  mkdirSync(outDir, { recursive: true });
  const out = path.join(outDir, 'latest.json');
  const loadAfter = load();
  console.log(`load average before ${loadBefore}, after ${loadAfter}`);
  const body = { date: new Date().toISOString(), cpu: os.cpus()[0]?.model, cores: os.availableParallelism(), node: process.version, loadBefore, loadAfter, quick: options.quick, rows };
  writeFileSync(out + '.tmp', JSON.stringify(body, null, 2));
  renameSync(out + '.tmp', out);
  console.log(`\nrows written to ${path.relative(process.cwd(), out)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
