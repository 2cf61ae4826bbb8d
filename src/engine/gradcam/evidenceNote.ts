// What a blank Grad-CAM map means, in the words the CLI and the Classify X-ray panel both use.
// Pure text with no imports, so the webview bundle can take it too.

/** The note shown instead of a silent, uniform heat map when nothing raises the class's score. */
export function noEvidenceNote(className: string): string {
  return `No positive evidence for "${className}": the model found nothing in this image that raises this class's score; the map is blank.`;
}
