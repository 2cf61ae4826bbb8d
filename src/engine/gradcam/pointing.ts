// The pointing game (Zhang et al.): an explanation "hits" when its peak lies inside the region a
// person marked as the finding. The share of hits over held-out images says whether the model
// looks at the fracture or at something beside it.
import { heatPeak, type GradCamResult } from './gradcam';

/** A rectangle in pixel coordinates of the original image (x, y: top-left corner). */
export interface PointingBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PointingCase {
  cam: GradCamResult;
  /** Size of the original image the box is given in. */
  imageWidth: number;
  imageHeight: number;
  box: PointingBox;
}

export interface PointingScore {
  hits: number;
  total: number;
  /** hits / total; 0 when there were no cases. */
  share: number;
}

/**
 * Whether the heat map's peak falls inside the box (edges included). A blank map
 * (noPositiveEvidence) points nowhere, so it is a miss.
 */
export function peakInBox(cam: GradCamResult, imageWidth: number, imageHeight: number, box: PointingBox): boolean {
  if (cam.noPositiveEvidence) return false;
  const p = heatPeak(cam, imageWidth, imageHeight);
  return p.x >= box.x && p.x <= box.x + box.width && p.y >= box.y && p.y <= box.y + box.height;
}

export function pointingGame(cases: readonly PointingCase[]): PointingScore {
  const hits = cases.filter((c) => peakInBox(c.cam, c.imageWidth, c.imageHeight, c.box)).length;
  return { hits, total: cases.length, share: cases.length ? hits / cases.length : 0 };
}
