// Groups of images known from their paths: several views of one patient or study in a folder of
// their own (MURA: XR_<PART>/patient#####/study#_<label>/), or a patient id in the file name.
// Images of one group are kept in one split, like byte-identical files and DICOM patients.

/** 'none', 'folder:N' (the N-th folder under the class folder) or a regular expression with one capture group. */
export type PathGroupSpec = { kind: 'none' } | { kind: 'folder'; level: number } | { kind: 'regex'; regex: RegExp };

/** Parses the setting; undefined with `problem` set when it is not usable. */
export function parsePathGroups(spec: string): { spec?: PathGroupSpec; problem?: string } {
  const s = spec.trim();
  if (s === '' || s === 'none') return { spec: { kind: 'none' } };
  const folder = /^folder:(\d+)$/.exec(s);
  if (folder) {
    const level = Number(folder[1]);
    return level >= 1 ? { spec: { kind: 'folder', level } } : { problem: `folder levels count from 1 (the folder right under the class folder), got ${s}` };
  }
  let regex: RegExp;
  try {
    regex = new RegExp(s);
  } catch (err) {
    return { problem: `"${s}" is neither none, folder:N nor a valid regular expression (${(err as Error).message})` };
  }
  // Capture groups of a pattern: the match of "|" against the empty string has one slot per group.
  const groups = new RegExp(`${s}|`).exec('')!.length - 1;
  if (groups !== 1) return { problem: `the regular expression "${s}" must have exactly one capture group (the group key), it has ${groups}` };
  return { spec: { kind: 'regex', regex } };
}

/**
 * The group key of an image from its path relative to the dataset folder ('/' separators).
 * `classDepth` is the index of the class folder in it (0, or 1 under train/ val/ test/).
 * Undefined: the image is a group of its own.
 */
export function pathGroupKey(rel: string, classDepth: number, spec: PathGroupSpec): string | undefined {
  if (spec.kind === 'none') return undefined;
  if (spec.kind === 'regex') {
    const m = spec.regex.exec(rel);
    return m?.[1] ? m[1] : undefined;
  }
  const parts = rel.split('/');
  // Folders only: the last part is the file name.
  const at = classDepth + spec.level;
  return at < parts.length - 1 ? parts.slice(classDepth + 1, at + 1).join('/') : undefined;
}
