// The Runs view's item menus as package.json declares them, for a contextValue.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface MenuEntry {
  command: string;
  when: string;
  group: string;
}

function entriesFor(contextValue: string): MenuEntry[] {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
  const entries = pkg.contributes.menus['view/item/context'] as MenuEntry[];
  return entries.filter((e) => {
    const eq = /viewItem == ([\w.]+)/.exec(e.when);
    const re = /viewItem =~ \/(.+)\/$/.exec(e.when);
    if (eq) return eq[1] === contextValue;
    if (re) return new RegExp(re[1]).test(contextValue);
    return true;
  });
}

/** The commands package.json shows in an item's context menu (or among its inline buttons). */
export function menuCommands(contextValue: string, where: 'menu' | 'inline' | 'any' = 'any'): string[] {
  const shown = entriesFor(contextValue).filter((e) => where === 'any' || (where === 'inline') === e.group.startsWith('inline'));
  return [...new Set(shown.map((e) => e.command))].sort();
}
