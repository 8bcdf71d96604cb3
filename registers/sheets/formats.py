"""The spreadsheet formats the registers import: CSV read so that row numbers match the file's lines."""

import csv
import io

import tablib
from import_export.formats import base_formats


class CSV(base_formats.CSV):
    """CSV that keeps the file's empty lines as empty rows.

    tablib drops them while reading, so every empty line above a bad row made its reported number one too
    small. Kept, each data row keeps the number a spreadsheet program shows for it (header = 1), and the
    import passes over the empty ones (ScopedModelResource.import_row). A line break inside a quoted cell
    stays part of its row, as in a spreadsheet. Otherwise read as tablib reads CSV.
    """

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode(self.encoding or "utf-8-sig")
        text = in_stream if isinstance(in_stream, str) else in_stream.read()
        records = list(csv.reader(io.StringIO(text)))
        if not records or not records[0]:
            return super().create_dataset(text, **kwargs)  # no header row: reported as such by the import
        dataset = tablib.Dataset(headers=records[0])
        for record in records[1:]:
            # Short rows (empty lines included) are padded as tablib pads them; a longer row is refused by
            # tablib's dimension check as before.
            dataset.append(record + [""] * (dataset.width - len(record)))
        return dataset
