# Writes synthetic radiographs as DICOM with pydicom, from a JSON spec (or a list of them) on the command line.
# The test fixtures are made by this and by dcmtk/gdcm, never by the code under test.
import json
import sys

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian, generate_uid


def write(spec):
    rows, cols = spec.get("rows", 48), spec.get("cols", 64)
    bits = spec.get("bits", 16)
    stored = spec.get("stored", 12)
    signed = spec.get("signed", False)
    frames = spec.get("frames", 1)
    rng = np.random.default_rng(spec.get("seed", 0))

    y, x = np.mgrid[0:rows, 0:cols]
    lo, hi = (-(1 << (stored - 1)), (1 << (stored - 1)) - 1) if signed else (0, (1 << stored) - 1)

    def frame(k):
        v = (x / (cols - 1)) * 0.7 + (y / (rows - 1)) * 0.3
        cx, cy = cols * (0.6 - 0.2 * k), rows * 0.4
        v = np.where((x - cx) ** 2 + (y - cy) ** 2 < (rows * 0.2) ** 2, 1 - v, v)
        if spec.get("mark"):  # a bright bar: what one class has and the other lacks
            v = np.where((np.abs(x - y * cols / rows) < 3), 1.0, v)
        v = np.clip(v + rng.normal(0, spec.get("noise", 0.0), v.shape), 0, 1)
        a, b = spec.get("span", [0, 1])
        v = a + v * (b - a)
        if spec.get("outliers"):  # a burnt-in label: a few pixels at both ends of the range
            v.flat[:10], v.flat[10:20] = 1.0, 0.0
        return np.round(lo + v * (hi - lo)).astype(np.int64)

    arr = np.stack([frame(k) for k in range(frames)]) if frames > 1 else frame(0)
    if bits == 8:
        raw = arr.astype(np.int8 if signed else np.uint8)
    else:
        # Stored values live in the low bits; the bits above hold what writers leave there
        # (overlay planes, or nothing when signed values are not sign-extended).
        raw = (arr & ((1 << stored) - 1)).astype(np.uint16)
        if spec.get("junk") and not signed:
            raw = raw | np.uint16(0xA000 & ~((1 << stored) - 1) & 0xFFFF)

    meta = FileMetaDataset()
    sop_class = spec.get("sopClass", "1.2.840.10008.5.1.4.1.1.104.1" if spec.get("pdf") else "1.2.840.10008.5.1.4.1.1.1.1")
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = spec.get("transferSyntax", ExplicitVRLittleEndian)
    meta.ImplementationClassUID = generate_uid()
    ds = FileDataset(spec["out"], {}, file_meta=meta, preamble=b"\0" * 128)
    ds.is_little_endian = True
    ds.is_implicit_VR = meta.TransferSyntaxUID == ImplicitVRLittleEndian
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    p = spec.get("patient", {})
    ds.PatientName = p.get("name", "Anon^Unknown")
    ds.PatientID = p.get("id", "ANON")
    ds.PatientBirthDate = p.get("birthDate", "")
    ds.StudyDate = ds.SeriesDate = ds.AcquisitionDate = ds.ContentDate = p.get("studyDate", "")
    ds.StudyInstanceUID = p.get("study", generate_uid())
    ds.SeriesInstanceUID = generate_uid()
    ds.Modality = spec.get("modality", "DX")
    ds.BodyPartExamined = spec.get("bodyPart", "WRIST")
    ds.ViewPosition = spec.get("view", "PA")

    if spec.get("pdf"):
        ds.MIMETypeOfEncapsulatedDocument = "application/pdf"
        ds.EncapsulatedDocument = b"%PDF-1.4\n%%EOF\n"
    elif spec.get("noPixels") is not True:
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = spec.get("photometric", "MONOCHROME2")
        ds.Rows, ds.Columns = rows, cols
        ds.BitsAllocated, ds.BitsStored, ds.HighBit = bits, stored, stored - 1
        ds.PixelRepresentation = 1 if signed else 0
        if frames > 1:
            ds.NumberOfFrames = frames
        if "slope" in spec:
            ds.RescaleSlope, ds.RescaleIntercept, ds.RescaleType = spec["slope"], spec["intercept"], "US"
        if "window" in spec:
            ds.WindowCenter = [c for c, w in spec["window"]] if len(spec["window"]) > 1 else spec["window"][0][0]
            ds.WindowWidth = [w for c, w in spec["window"]] if len(spec["window"]) > 1 else spec["window"][0][1]
        if "voiLut" in spec:
            first, n, lut_bits = spec["voiLut"]
            item = Dataset()
            item.add_new(0x00283002, "US", [n, first, lut_bits])
            item.add_new(0x00283006, "US", [int(round((i / (n - 1)) ** 0.5 * ((1 << lut_bits) - 1))) for i in range(n)])
            ds.VOILUTSequence = Sequence([item])
        if "pixelBytes" in spec:  # an encapsulated stream of some transfer syntax we cannot read
            from pydicom.encaps import encapsulate

            ds.PixelData = encapsulate([bytes.fromhex(spec["pixelBytes"])])
            ds["PixelData"].is_undefined_length = True
            ds["PixelData"].VR = "OB"
        else:
            ds.PixelData = raw.tobytes()
            ds["PixelData"].VR = "OW" if bits > 8 else "OB"

    if spec.get("noMeta"):  # a bare implicit-VR dataset, as old archives hold
        from pydicom.filebase import DicomFile
        from pydicom.filewriter import write_dataset

        ds.is_implicit_VR = True
        with DicomFile(spec["out"], "wb") as f:
            f.is_little_endian, f.is_implicit_VR = True, True
            write_dataset(f, ds)
    elif spec.get("noPreamble"):
        ds.preamble = None
        pydicom.dcmwrite(spec["out"], ds, write_like_original=True)
    else:
        pydicom.dcmwrite(spec["out"], ds, write_like_original=False)


specs = json.loads(sys.argv[1])
for one in specs if isinstance(specs, list) else [specs]:
    write(one)
