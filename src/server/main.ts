// The training process.
export {};
