// Entry point of a data-parallel training worker thread (see train.ts).
export {};
