/** A dataset folder that cannot be trained on as it is; the message names the folder and what to change. */
export class DatasetError extends Error {
  constructor(
    readonly root: string,
    message: string,
  ) {
    super(message);
    this.name = 'DatasetError';
  }
}
