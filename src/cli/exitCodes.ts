/** Exit codes scripts can rely on; --help lists them. */
export const EXIT = Object.freeze({
  ok: 0,
  failed: 1,
  usage: 2,
  dataset: 3,
  unreadableImages: 4,
  cancelled: 130,
});
